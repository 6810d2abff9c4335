// Tells a database that cannot be reached (a 503, retry shortly) from a query that failed (a bug, a 500).

/** Socket-level failures (Node/Bun error codes) and postgres.js's own connection failures. */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
]);

/** SQLSTATEs of a server that is shutting down, starting up or full (class 08 is handled as a whole). */
const SERVER_CODES = new Set([
  "57P01", // admin_shutdown: `pg_ctl stop -m fast` terminating our sessions
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now: starting up or shutting down
  "53300", // too_many_connections
]);

/** PGlite after close(): the embedded database is gone for this process. */
const PGLITE_GONE = /^PGlite is clos(ed|ing)$/;

function isUnavailableItself(error: object): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (CONNECTION_CODES.has(code) || SERVER_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  const message = (error as { message?: unknown }).message;
  return typeof message === "string" && PGLITE_GONE.test(message);
}

/**
 * True when `error` (or what it wraps: drizzle's DrizzleQueryError keeps the driver's error in `cause`)
 * says the database cannot be reached right now, rather than that a query was wrong.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  // Bounded: a cause chain can be cyclic.
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth++) {
    if (isUnavailableItself(current)) return true;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.some((e) => e && typeof e === "object" && isUnavailableItself(e))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
