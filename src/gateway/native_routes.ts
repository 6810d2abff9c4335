// The metered POST routes served by Bun's own router (Bun.serve `routes`), without Elysia's per-request hooks:
// 15–20 µs of the hub's CPU per call at 64 connections (npm run bench). Each does for its call what the app's
// plugins do for the Elysia routes: the request id and nosniff headers, the key guard, the one error map for
// API paths, request metrics and the debug request line. The Elysia routes stay, sharing the calls' work
// (posts.ts): app.handle in tests, the OpenAPI document and trailing-slash paths go through them.
import { apiError, errorResponse } from "../http/mod.ts";
import type { HubMetrics } from "../metrics/mod.ts";
import type { GatewayDeps } from "./deps.ts";
import { guardCall, presentedApiKey } from "./key_guard.ts";
import { METERED_POSTS, type MeteredPost } from "./posts.ts";

export type NativeRouteDeps = GatewayDeps & { metrics?: Pick<HubMetrics, "httpRequest"> };
type NativeRoutes = Record<string, { POST: (request: Request) => Promise<Response> }>;

async function serveCall(deps: NativeRouteDeps, path: string, post: MeteredPost, request: Request): Promise<Response> {
  const startedAt = performance.now();
  // Minted here as the app's onRequest hook does: the id names the call's usage record.
  const requestId = Bun.randomUUIDv7();
  let response: Response;
  try {
    const headers = request.headers;
    const call = await guardCall(deps, presentedApiKey({ authorization: headers.get("authorization"), "x-api-key": headers.get("x-api-key") }), path, requestId);
    response = await post(deps, call, request);
    response.headers.set("x-request-id", requestId);
    response.headers.set("x-content-type-options", "nosniff");
  } catch (error) {
    response = errorResponse(apiError(deps.log, error, path), path, { "x-request-id": requestId, "x-content-type-options": "nosniff" });
  }
  // Paths and statuses only, as the app's after-response hooks log and count. A throw here must not escape.
  try {
    deps.metrics?.httpRequest(path, "POST", response.status, (performance.now() - startedAt) / 1000);
    if (deps.log.enabled("debug")) deps.log.debug("request", { method: "POST", path, status: response.status, request_id: requestId });
  } catch {}
  return response;
}

/** The metered POST routes for Bun.serve's `routes` (their other methods and paths fall through to the app). */
export function nativeGatewayRoutes(deps: NativeRouteDeps): NativeRoutes {
  const routes: NativeRoutes = {};
  for (const [path, post] of Object.entries(METERED_POSTS)) routes[path] = { POST: (request) => serveCall(deps, path, post, request) };
  return routes;
}
