// Opens a call's provider (the model's deployments through the router, or the built-in demo) and maps its failures.
import type { ModelConfig } from "../config.ts";
import { HttpError } from "../http/mod.ts";
import type { RouteResult, UpstreamFailure } from "../chat/mod.ts";
import type { CallOutcome } from "./call.ts";
import type { GatewayDeps } from "./deps.ts";
import type { CallResult } from "./run.ts";

/** The error a caller sees for an upstream failure: 504 for timeouts, its own 4xx for rejected input, 502 otherwise. */
export function upstreamError(failure: UpstreamFailure): HttpError {
  if (failure.kind === "timeout") return new HttpError("upstream_timeout", `Upstream ${failure.upstream} did not answer in time (${failure.reason})`);
  if (failure.kind === "rejected") {
    const code = failure.status === 404 ? "not_found" : failure.status === 413 ? "payload_too_large" : failure.status === 409 ? "conflict" : "bad_request";
    return new HttpError(code, `Upstream ${failure.upstream} rejected the request: ${failure.reason}`);
  }
  if (failure.kind === "client_aborted") return new HttpError("bad_request", "Client disconnected");
  return new HttpError("upstream_failed", `Upstream ${failure.upstream} failed: ${failure.reason}`);
}

/** The usage record's outcome for an upstream failure. */
export function failureOutcome(failure: UpstreamFailure): CallOutcome["outcome"] {
  return failure.kind === "timeout" ? "upstream_timeout" : failure.kind === "rejected" ? "upstream_rejected" : failure.kind === "client_aborted" ? "client_aborted" : "upstream_error";
}

/** A provider opened for a call, as the record and the X-AIHub-* headers name it. */
export type Opened = Extract<RouteResult, { ok: true }>;

/** The record fields naming where a call went: the deployment that served (or was last tried) and the tries made. */
export function routeFields(route: RouteResult): Pick<CallOutcome, "upstream" | "upstreamModel" | "attempts"> {
  const last = route.ok ? route.served : route.attempts.at(-1);
  return { upstream: last?.upstream ?? null, upstreamModel: last?.upstreamModel ?? null, attempts: route.attempts.length };
}

/** X-AIHub-Upstream (the upstream that served) and X-AIHub-Attempts. */
export function routeHeaders(route: RouteResult): Record<string, string> {
  const headers: Record<string, string> = { "x-aihub-attempts": String(route.attempts.length) };
  if (route.ok) headers["x-aihub-upstream"] = route.served.upstream;
  return headers;
}

/** Sets the route headers on a response and returns it. */
export function withRouteHeaders(response: Response, route: RouteResult): Response {
  for (const [name, value] of Object.entries(routeHeaders(route))) response.headers.set(name, value);
  return response;
}

/**
 * Opens `model`'s provider for `body` at `path`: its deployments in turn through the router, or the demo's
 * locally generated `demo` response (which sees a signal aborted when the client leaves).
 */
export async function openProvider(deps: Pick<GatewayDeps, "router">, model: ModelConfig, body: Record<string, unknown>, options: { signal: AbortSignal; path?: string; demo: (signal: AbortSignal) => Response }): Promise<RouteResult> {
  if (model.upstream !== "demo") return await deps.router.open(model, body, { signal: options.signal, path: options.path });
  const controller = new AbortController();
  let reason: string | null = null;
  options.signal.addEventListener("abort", () => {
    reason = "client disconnected";
    controller.abort();
  }, { once: true });
  const response = options.demo(controller.signal);
  const served = { upstream: "demo", upstreamModel: model.upstreamModel, priority: 1, weight: 1 };
  return {
    ok: true,
    served,
    attempts: [{ upstream: "demo", upstreamModel: model.upstreamModel, failure: null }],
    call: { response, abort: (why) => ((reason ??= why ?? "aborted"), controller.abort()), touch() {}, abortReason: () => reason, done() {} },
  };
}

/** The failed result of a call whose provider could not be opened (every try failed, or the client left first). */
export function openFailed(model: ModelConfig, route: Extract<RouteResult, { ok: false }>, options: { signal: AbortSignal; stream: boolean }): CallResult {
  // A client that left before the upstream answered got nothing: recorded, not charged.
  const failure = options.signal.aborted ? { ...route.failure, kind: "client_aborted" as const } : route.failure;
  const error = upstreamError(failure);
  Object.assign(error.headers, routeHeaders(route));
  const status = failure.kind === "client_aborted" ? 499 : error.status;
  return { kind: "failed", outcome: { model: model.id, ...routeFields(route), stream: options.stream, status, outcome: failureOutcome(failure), error: error.message }, error };
}
