// Counts and times every answered request by its route pattern (never the raw path: the label stays bounded).
import { Elysia, StatusMap } from "elysia";
import type { HubMetrics } from "./hub_metrics.ts";

/** The request context as this plugin stamps it. */
type Timed = { metricsStartedAt?: number };

function statusOf(response: unknown, status: unknown): number {
  // A handler's Response carries its own status; errors and plain values report theirs through `set.status`.
  if (response instanceof Response) return response.status;
  if (typeof status === "number") return status;
  return typeof status === "string" ? (StatusMap as Record<string, number>)[status] ?? 200 : 200;
}

/** Records `aihub_http_requests_total` and `aihub_http_request_duration_seconds` for every route registered after it. */
export function requestMetrics(metrics: Pick<HubMetrics, "httpRequest">) {
  return new Elysia({ name: "request-metrics" })
    .onRequest((context) => {
      (context as Timed).metricsStartedAt = performance.now();
    })
    .onAfterResponse({ as: "global" }, (context) => {
      // A throw here would end the process: none may escape.
      try {
        const startedAt = (context as Timed).metricsStartedAt ?? performance.now();
        const route = (context as { route?: string }).route || null;
        metrics.httpRequest(route, context.request.method, statusOf(context.responseValue, context.set.status), (performance.now() - startedAt) / 1000);
      } catch {}
    });
}
