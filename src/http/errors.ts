// One map from error codes to statuses, and the two error shapes: {detail} and OpenAI's {error}.
import { t } from "elysia";
import { Alert, ErrorPage } from "../../views/partials/alert.tsx";

export type ErrorCode =
  | "bad_request"
  | "invalid_json"
  | "validation"
  | "unauthorized"
  | "invalid_api_key"
  | "forbidden"
  | "not_found"
  | "model_not_found"
  | "conflict"
  | "payload_too_large"
  | "insufficient_quota"
  | "rate_limited"
  | "upstream_failed"
  | "upstream_timeout"
  | "unavailable"
  | "internal";

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  invalid_json: 400,
  validation: 422,
  unauthorized: 401,
  invalid_api_key: 401,
  forbidden: 403,
  not_found: 404,
  model_not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  insufficient_quota: 402,
  rate_limited: 429,
  upstream_failed: 502,
  upstream_timeout: 504,
  unavailable: 503,
  internal: 500,
};

const OPENAI_TYPE: Record<ErrorCode, [type: string, code: string | null]> = {
  bad_request: ["invalid_request_error", null],
  invalid_json: ["invalid_request_error", "invalid_json"],
  validation: ["invalid_request_error", null],
  unauthorized: ["authentication_error", "invalid_api_key"],
  invalid_api_key: ["authentication_error", "invalid_api_key"],
  forbidden: ["permission_error", "forbidden"],
  not_found: ["invalid_request_error", "not_found"],
  model_not_found: ["invalid_request_error", "model_not_found"],
  conflict: ["invalid_request_error", "conflict"],
  payload_too_large: ["invalid_request_error", "request_too_large"],
  insufficient_quota: ["insufficient_quota", "insufficient_quota"],
  rate_limited: ["rate_limit_error", "rate_limit_exceeded"],
  upstream_failed: ["upstream_error", "upstream_failed"],
  upstream_timeout: ["upstream_error", "upstream_timeout"],
  unavailable: ["service_unavailable", "service_unavailable"],
  internal: ["server_error", "internal_error"],
};

/**
 * Why a request was refused, as a machine reads it, with the numbers its message quotes: the console words its
 * message from this, never from the English text. Internal only; the API's error bodies keep the contract's message.
 */
export type ErrorReason =
  | { kind: "wrong_credentials" | "account_disabled" | "email_not_verified" | "email_taken" | "key_not_found" | "key_revoked" | "last_admin" | "control_characters" }
  | { kind: "key_limit"; max: number }
  | { kind: "rate_limit_above_plan"; ceiling: number }
  | { kind: "login_throttled" | "register_throttled" | "reset_throttled" | "verify_throttled"; seconds: number }
  | { kind: "rate_limited"; limit: number }
  | { kind: "quota_exceeded"; used: number; limit: number }
  | { kind: "model_not_found"; model: string }
  | { kind: "webhook_url_not_http" | "webhook_url_credentials" | "webhook_url_private" }
  | { kind: "webhook_host_unresolved"; host: string }
  | { kind: "upstream_exists" | "upstream_not_found" | "upstream_read_only"; upstream: string }
  | { kind: "catalog_model_exists" | "catalog_model_not_found" | "catalog_model_read_only"; model: string }
  | { kind: "upstream_in_use"; upstream: string; model: string }
  | { kind: "model_name_taken"; name: string; owner: string };

/** A failure with a code that maps to an HTTP status and either error shape. */
export class HttpError extends Error {
  override name = "HttpError";
  readonly code: ErrorCode;
  readonly param: string | null;
  readonly headers: Record<string, string>;
  readonly reason: ErrorReason | null;

  constructor(code: ErrorCode, message: string, options: { param?: string | null; headers?: Record<string, string>; reason?: ErrorReason } = {}) {
    super(message);
    this.code = code;
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
    this.reason = options.reason ?? null;
  }

  get status(): number {
    return STATUS[this.code];
  }
}

/** True for paths that answer in OpenAI's error shape. */
export function usesOpenAiShape(path: string): boolean {
  return path === "/v1" || path.startsWith("/v1/");
}

/** True for the API's paths (`/api/…`, `/v1/…`), which answer errors in JSON; every other path is a page. */
export function isApiPath(path: string): boolean {
  return path === "/api" || path.startsWith("/api/") || usesOpenAiShape(path);
}

/** The JSON body of an error in the shape the route's clients read. */
export function errorBody(error: HttpError, path: string): unknown {
  if (!usesOpenAiShape(path)) return { detail: error.message };
  const [type, code] = OPENAI_TYPE[error.code];
  return { error: { message: error.message, type, code: error.code === "validation" || error.code === "bad_request" ? code ?? "invalid_value" : code, param: error.param } };
}

/** A JSON Response for `error` in the route's shape. */
export function errorResponse(error: HttpError, path: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(errorBody(error, path)), {
    status: error.status,
    headers: { "content-type": "application/json", ...headers, ...error.headers },
  });
}

/** What any route answers while the database cannot be reached. */
export const DATABASE_UNAVAILABLE = new HttpError("unavailable", "Cannot complete the request: the database is unavailable. Retry shortly.", { headers: { "retry-after": "1" } });

/** An HTML error for console pages: a whole page, or a fragment for htmx to swap in. */
export function errorPage(error: HttpError, options: { htmx: boolean; headers?: Record<string, string> }): Response {
  const body = options.htmx ? Alert({ message: error.message }) : ErrorPage({ status: error.status, message: error.message });
  return new Response(body as string, {
    status: error.status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "content-security-policy": "default-src 'none'; style-src 'self'; frame-ancestors 'none'",
      "x-content-type-options": "nosniff",
      ...options.headers,
      ...error.headers,
    },
  });
}

/** The `{detail}` error body of /api/v1/... routes. */
export const detailErrorSchema = t.Object({ detail: t.String() }, { $id: "DetailError" });

/** OpenAI's `{error}` body of /v1/... routes. */
export const openAiErrorSchema = t.Object({
  error: t.Object({
    message: t.String(),
    type: t.String(),
    code: t.Union([t.String(), t.Null()]),
    param: t.Union([t.String(), t.Null()]),
  }),
}, { $id: "OpenAIError" });
