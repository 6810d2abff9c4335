// Metrics: the hub's counters, histograms and scrape-time gauges, the request-timing plugin, and GET /metrics.
export { createHubMetrics, LATENCY_BUCKETS, LIMIT_OUTCOMES, UNMATCHED_ROUTE, UPSTREAM_OUTCOMES } from "./hub_metrics.ts";
export type { HubMetrics, LimitOutcome, PendingUsage } from "./hub_metrics.ts";
export { requestMetrics } from "./plugin.ts";
export { metricsRoutes } from "./routes.ts";
export type { MetricsDeps } from "./routes.ts";
