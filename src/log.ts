// A small JSON-lines logger that scrubs anything looking like a secret before it is written.
import type { LogLevel } from "./config.ts";

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
const SECRET_PATTERNS = [/ai-hub-[A-Za-z0-9_-]{10,}/g, /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, /Bearer\s+\S+/gi];
const SECRET_FIELDS = /pass(word)?|secret|token|authorization|api_?key|cookie/i;

export interface Logger {
  /** Whether lines at `level` are written (to skip building costly fields). */
  enabled(level: LogLevel): boolean;
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Replaces secret-looking values (API keys, JWTs, bearer headers, secret-named fields). */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return SECRET_PATTERNS.reduce((s, re) => s.replace(re, "[redacted]"), value);
  if (value instanceof Error) return describeError(value);
  if (Array.isArray(value)) return depth > 4 ? "[…]" : value.map((v) => redact(v, depth + 1));
  if (value && typeof value === "object") {
    if (depth > 4) return "[…]";
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELDS.test(k) ? "[redacted]" : redact(v, depth + 1);
    return out;
  }
  return value;
}

/** Which statement failed, in its first words: enough to find it, never its parameters. */
const QUERY_HEAD = /^\s*((?:\S+\s+){0,5}\S+)/;

/**
 * An error as a log field. Query errors (Drizzle's DrizzleQueryError, postgres.js and PGlite errors) carry the SQL and
 * every parameter (password hashes, key hashes, session ids), and Drizzle repeats them in its message: those log the
 * statement's first words, the SQLSTATE code and the database's message with quoted values masked, never parameters.
 */
export function describeError(error: Error): Record<string, unknown> {
  const failure = error as Error & { query?: unknown; code?: unknown; cause?: unknown };
  const cause = failure.cause instanceof Error ? (failure.cause as Error & { query?: unknown; code?: unknown }) : null;
  const query = typeof failure.query === "string" ? failure.query : typeof cause?.query === "string" ? cause.query : null;
  if (query === null) return { name: error.name, message: redact(error.message) };
  const databaseError = typeof failure.query === "string" && cause ? cause : failure;
  return {
    // DrizzleQueryError leaves name at "Error".
    name: error.name === "Error" ? error.constructor.name : error.name,
    query: QUERY_HEAD.exec(query)?.[1]?.slice(0, 120) ?? "",
    code: typeof databaseError.code === "string" ? databaseError.code : typeof failure.code === "string" ? failure.code : null,
    message: databaseError === failure && error.message.startsWith("Failed query:") ? "query failed" : maskQuoted(databaseError.message),
  };
}

/** Database messages quote the offending value ('invalid input syntax for type uuid: "…"'): mask every quoted part. */
function maskQuoted(message: string): string {
  return message.replace(/"[^"]*"|'[^']*'|\([^)]*\)=\([^)]*\)/g, "[…]").slice(0, 300);
}

/** Creates a logger writing JSON lines at or above `level` to `write` (stdout by default). */
export function createLogger(level: LogLevel, write: (line: string) => void = (line) => process.stdout.write(line + "\n")): Logger {
  const emit = (at: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[at] < ORDER[level]) return;
    const entry = { time: new Date().toISOString(), level: at, msg: redact(msg), ...(fields ? (redact(fields) as object) : {}) };
    write(JSON.stringify(entry));
  };
  return {
    enabled: (at) => ORDER[at] >= ORDER[level],
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
  };
}
