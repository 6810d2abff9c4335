// Cross-cutting HTTP behaviour: request ids, body parsing with a size cap, and one error handler for both shapes.
import { Elysia } from "elysia";
import { isDatabaseUnavailable } from "../db/errors.ts";
import type { Logger } from "../log.ts";
import { readFormBody, readJsonBody } from "./body.ts";
import { DATABASE_UNAVAILABLE, errorPage, errorResponse, HttpError, isApiPath } from "./errors.ts";
import { requestPath } from "./request_path.ts";
import { type SchemaIssue, validationError } from "./validate.ts";

/** For every HTML page: no inline scripts or styles, no framing, no MIME sniffing, no cross-site referrers. */
export const PAGE_SECURITY_HEADERS = {
  "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
};

/** The routes whose handlers read the body themselves, after key verification. */
export const DEFERRED_BODY_PATHS = new Set(["/v1/chat/completions", "/v1/embeddings", "/v1/responses", "/api/v1/developer/chat"]);
/** What those routes see as `body`: a marker that the body is still in the request. */
export const DEFERRED_BODY = Object.freeze({ deferred: true });

let lastDatabaseLog = 0;

/** One line per second at most: under load an outage would otherwise write one per request. */
function logDatabaseDown(log: Logger, path: string, error: unknown): void {
  if (Date.now() - lastDatabaseLog < 1_000) return;
  lastDatabaseLog = Date.now();
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause ?? (error as { code?: unknown; message?: unknown });
  log.warn("database unavailable", { path, code: cause.code ?? null, error: String(cause.message ?? error) });
}

/**
 * The error an API path answers for `error` thrown by its handler: an HttpError as it is, a database outage
 * as 503 (logged once a second), anything else as a logged 500 that names nothing internal.
 */
export function apiError(log: Logger, error: unknown, path: string): HttpError {
  if (error instanceof HttpError) return error;
  if (isDatabaseUnavailable(error)) {
    // The driver's message can name hosts and ports: it goes to the log, never into the body.
    logDatabaseDown(log, path, error);
    return DATABASE_UNAVAILABLE;
  }
  log.error("unhandled error", { path, error });
  return new HttpError("internal", "Internal server error");
}

/**
 * For Bun.serve's `error` option: the answer when even the error hook failed. The path is unknown there, so the
 * body carries both shapes ({detail} and OpenAI's {error}); never Bun's development page with its stack trace.
 */
export function lastResortResponse(): Response {
  const message = "Internal server error";
  return new Response(JSON.stringify({ detail: message, error: { message, type: "server_error", code: "internal_error", param: null } }), {
    status: 500,
    headers: { "content-type": "application/json", "x-request-id": Bun.randomUUIDv7(), "x-content-type-options": "nosniff" },
  });
}

/** How pages (every path but the API's) answer an unknown path or an unexpected failure; the console provides it. */
export type ErrorPageRenderer = (request: Request, options: { status: 404 | 500 | 503; path: string; requestId: string }) => Response;

/** Request ids, capped body parsing and error mapping, applied to every route; `errorPage` renders pages' 404s and 500s. */
export function httpPlugin(log: Logger, options: { errorPage?: ErrorPageRenderer } = {}) {
  return new Elysia({ name: "http" })
    .onRequest(({ set }) => {
      // Always minted here: the id names the call's usage record (time-ordered, so the primary key index only appends).
      set.headers["x-request-id"] = Bun.randomUUIDv7();
      // JSON and SSE need only nosniff; pages add the rest (console/render.ts), keeping the API's hot path lean.
      set.headers["x-content-type-options"] = "nosniff";
    })
    .onAfterResponse({ as: "global" }, ({ request, set }) => {
      // Paths and statuses only: headers and bodies may carry secrets. A throw here would end the process: none may escape.
      try {
        if (log.enabled("debug")) log.debug("request", { method: request.method, path: requestPath(request), status: set.status, request_id: set.headers["x-request-id"] });
      } catch {}
    })
    .onParse({ as: "global" }, async ({ request, contentType, path }) => {
      // Routes that read their own body after authenticating (so a bad body is still a metered call).
      // The router also matches these paths with a trailing slash: so must this check, or the body is read twice.
      if (DEFERRED_BODY_PATHS.has(path.length > 1 && path.endsWith("/") ? path.replace(/\/+$/, "") : path)) return DEFERRED_BODY;
      if (contentType.startsWith("application/x-www-form-urlencoded")) return await readFormBody(request);
      // A body-less POST (logout, revoke) usually carries no content type: nothing to parse.
      return await readJsonBody(request, { allowEmpty: !contentType });
    })
    .onError({ as: "global" }, ({ code, error, request, set }) => {
      const path = requestPath(request);
      const headers = { "x-request-id": String(set.headers["x-request-id"] ?? crypto.randomUUID()) };
      let mapped: HttpError;
      if (error instanceof HttpError) mapped = error;
      else if (code === "PARSE") mapped = (error as { cause?: unknown }).cause instanceof HttpError ? (error as { cause: HttpError }).cause : new HttpError("invalid_json", "Request body could not be parsed");
      else if (code === "VALIDATION") mapped = validationError((error as { all?: SchemaIssue[] }).all?.[0]);
      else if (code === "NOT_FOUND") {
        if (options.errorPage && !isApiPath(path)) {
          set.status = 404;
          return options.errorPage(request, { status: 404, path, requestId: headers["x-request-id"] });
        }
        mapped = new HttpError("not_found", `No route for ${request.method} ${path}`);
      }
      else {
        mapped = apiError(log, error, path);
        // Console pages answer as a page (or an htmx fragment) in the visitor's language, not JSON.
        if (mapped === DATABASE_UNAVAILABLE && !isApiPath(path)) {
          set.status = mapped.status;
          const page = options.errorPage
            ? options.errorPage(request, { status: 503, path, requestId: headers["x-request-id"] })
            : errorPage(mapped, { htmx: request.headers.get("hx-request") === "true", headers });
          for (const [name, value] of Object.entries(mapped.headers)) page.headers.set(name, value);
          return page;
        }
        if (mapped.code === "internal" && options.errorPage && !isApiPath(path)) {
          set.status = 500;
          return options.errorPage(request, { status: 500, path, requestId: headers["x-request-id"] });
        }
      }
      // set.status too, so the after-response hooks (request log, metrics) see the status actually sent.
      set.status = mapped.status;
      return errorResponse(mapped, path, { ...headers, ...(set.headers as Record<string, string>) });
    });
}
