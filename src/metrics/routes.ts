// GET /metrics: the hub's metrics in Prometheus text format, for a Prometheus server (bearer METRICS_TOKEN when set).
import { createHash, timingSafeEqual } from "node:crypto";
import { Elysia } from "elysia";
import { HttpError, operation } from "../http/mod.ts";
import type { HubMetrics } from "./hub_metrics.ts";

export interface MetricsDeps {
  config: {
    /** The bearer token a scrape must send; null: /metrics is open (keep it off the public network then). */
    readonly metricsToken: string | null;
  };
  metrics: HubMetrics;
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/** The /metrics route. */
export function metricsRoutes(deps: MetricsDeps) {
  const expected = deps.config.metricsToken === null ? null : digest(`Bearer ${deps.config.metricsToken}`);
  return new Elysia().get("/metrics", async ({ request }) => {
    // Compared as digests: equal lengths, and no timing hint of how much of the token matched.
    if (expected && !timingSafeEqual(digest(request.headers.get("authorization") ?? ""), expected)) {
      throw new HttpError("unauthorized", "Cannot read metrics: send Authorization: Bearer <METRICS_TOKEN>", { headers: { "www-authenticate": 'Bearer realm="metrics"' } });
    }
    // Read per scrape, not when the route is built: building the routes (the OpenAPI script) needs no metrics.
    const { registry } = deps.metrics;
    return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType, "cache-control": "no-store" } });
  }, {
    detail: operation({
      operationId: "metrics",
      summary: "Prometheus metrics (text format); open unless METRICS_TOKEN is set",
      description: "Requests, limit decisions, upstream tries and time to first byte, active streams, usage records not yet in the database and the flusher's lag, the limiter's window peak. With METRICS_TOKEN set, send Authorization: Bearer <METRICS_TOKEN>; without it the route is open, so keep the hub's port off the public network or set the token.",
      tag: "operations",
      access: "metrics",
      success: { description: "The exposition text (text/plain; version=0.0.4)", text: "Prometheus text exposition format 0.0.4" },
      errors: { 401: "METRICS_TOKEN is set and the request did not send it as a bearer token" },
    }),
  });
}
