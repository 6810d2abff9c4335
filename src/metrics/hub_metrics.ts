// The hub's metrics: what the request path reports as it goes (cells, a few ns each), and what is sampled when Prometheus scrapes.
import { Gauge, Registry } from "prom-client";
import { CellCounter, CellHistogram, type CounterCell, type HistogramCell } from "./cells.ts";

/** Seconds; from a fast in-process call (1 ms) to a long stream's first byte (60 s). */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] as const;
export const LIMIT_OUTCOMES = ["admitted", "rate_limited", "quota_exceeded"] as const;
/** "ok", or how the attempt failed (chat/upstream.ts's failure kinds). */
export const UPSTREAM_OUTCOMES = ["ok", "timeout", "failed", "key_refused", "throttled", "rejected", "client_aborted"] as const;
/** The route label of a request no route matched: one value, whatever the path, so the label stays bounded. */
export const UNMATCHED_ROUTE = "unmatched";
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
/** How long a scrape waits for the pending-records sample (a Redis round trip) before reporting NaN. */
const SAMPLE_TIMEOUT_MS = 1_000;

export type LimitOutcome = (typeof LIMIT_OUTCOMES)[number];

/** Usage records settled (their calls answered) but not yet in the database, and the oldest one's age. */
export interface PendingUsage {
  records: number;
  oldestAgeSeconds: number;
}

export interface HubMetrics {
  readonly registry: Registry;
  /** One answered request; `route` is the matched route's pattern, null when none matched. */
  httpRequest(route: string | null, method: string, status: number, seconds: number): void;
  /** One admit decision, with the key's window as the limit store reported it after the decision. */
  limitDecision(outcome: LimitOutcome, window: { rateLimit: number; rateRemaining: number }): void;
  /** One try of one upstream (every failover try and key rotation counts); `seconds` until its response headers. */
  upstreamAttempt(upstream: string, outcome: string, seconds: number): void;
  streamOpened(): void;
  streamClosed(): void;
  /** How the pending usage records are counted at scrape time (the group-commit queue, or the Redis stream). */
  samplePending(sample: () => Promise<PendingUsage>): void;
}

type Upstream = { ttfb: HistogramCell; outcomes: Map<string, CounterCell> };
type Route = { duration: HistogramCell; byMethod: Map<string, Map<number, CounterCell>> };

/** Creates the hub's metrics in a registry of their own; `upstreams` names the configured upstreams (their series start at 0). */
export function createHubMetrics(options: { upstreams: readonly string[] }): HubMetrics {
  const registry = new Registry();
  const requests = new CellCounter({ name: "aihub_http_requests_total", help: "HTTP requests answered, by route pattern (unmatched: no route), method and status", labelNames: ["route", "method", "status"], registry });
  const durations = new CellHistogram({ name: "aihub_http_request_duration_seconds", help: "Time from the request's arrival until its response is ready (a stream's start, not its end), by route pattern", labelNames: ["route"], buckets: LATENCY_BUCKETS, registry });
  const decisions = new CellCounter({ name: "aihub_limit_decisions_total", help: "Rate limit and quota decisions of metered calls", labelNames: ["outcome"], registry });
  const attempts = new CellCounter({ name: "aihub_upstream_requests_total", help: "Upstream tries (each failover try and key rotation counts), by upstream and outcome", labelNames: ["upstream", "outcome"], registry });
  const ttfbs = new CellHistogram({ name: "aihub_upstream_ttfb_seconds", help: "Time until an upstream's response headers, for tries it answered with success", labelNames: ["upstream"], buckets: LATENCY_BUCKETS, registry });

  let activeStreams = 0;
  let peakRatio = 0;
  let sample: () => Promise<PendingUsage> = async () => ({ records: 0, oldestAgeSeconds: 0 });
  let sampling: Promise<PendingUsage | null> | null = null;
  // Both pending gauges are collected in the same scrape: they share one sample (one Redis round trip).
  const pendingOnce = () => {
    if (sampling) return sampling;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), SAMPLE_TIMEOUT_MS)));
    sampling = Promise.race([sample().catch(() => null), timeout]).finally(() => {
      clearTimeout(timer);
      sampling = null;
    });
    return sampling;
  };
  new Gauge({ name: "aihub_active_streams", help: "Streamed developer calls in progress", registers: [registry], collect() {
    this.set(activeStreams);
  } });
  new Gauge({ name: "aihub_usage_pending_records", help: "Usage records settled but not yet in the database (NaN: could not be counted)", registers: [registry], async collect() {
    this.set((await pendingOnce())?.records ?? NaN);
  } });
  new Gauge({ name: "aihub_usage_flush_lag_seconds", help: "Age of the oldest usage record not yet in the database (0: none pending)", registers: [registry], async collect() {
    this.set((await pendingOnce())?.oldestAgeSeconds ?? NaN);
  } });
  new Gauge({ name: "aihub_limit_window_peak_ratio", help: "Highest calls-in-window / limit of any key among calls admitted since the previous scrape (1: a key used its whole window)", registers: [registry], collect() {
    this.set(peakRatio);
    peakRatio = 0;
  } });

  const admitted = decisions.cell({ outcome: "admitted" });
  const refused = { rate_limited: decisions.cell({ outcome: "rate_limited" }), quota_exceeded: decisions.cell({ outcome: "quota_exceeded" }) };
  const upstreams = new Map<string, Upstream>();
  const upstreamOf = (name: string) => {
    let u = upstreams.get(name);
    if (!u) {
      u = { ttfb: ttfbs.cell({ upstream: name }), outcomes: new Map() };
      for (const outcome of UPSTREAM_OUTCOMES) u.outcomes.set(outcome, attempts.cell({ upstream: name, outcome }));
      upstreams.set(name, u);
    }
    return u;
  };
  for (const name of options.upstreams) upstreamOf(name);
  const routes = new Map<string, Route>();

  return {
    registry,
    httpRequest(route, method, status, seconds) {
      const pattern = route ?? UNMATCHED_ROUTE;
      let r = routes.get(pattern);
      if (!r) routes.set(pattern, (r = { duration: durations.cell({ route: pattern }), byMethod: new Map() }));
      const verb = METHODS.has(method) ? method : "OTHER";
      let byStatus = r.byMethod.get(verb);
      if (!byStatus) r.byMethod.set(verb, (byStatus = new Map()));
      let cell = byStatus.get(status);
      if (!cell) byStatus.set(status, (cell = requests.cell({ route: pattern, method: verb, status: String(status) })));
      cell.add();
      r.duration.observe(seconds);
    },
    limitDecision(outcome, window) {
      if (outcome !== "admitted") return refused[outcome].add();
      admitted.add();
      if (window.rateLimit <= 0) return;
      const ratio = (window.rateLimit - window.rateRemaining) / window.rateLimit;
      if (ratio > peakRatio) peakRatio = ratio;
    },
    upstreamAttempt(upstream, outcome, seconds) {
      const u = upstreamOf(upstream);
      let cell = u.outcomes.get(outcome);
      if (!cell) u.outcomes.set(outcome, (cell = attempts.cell({ upstream, outcome })));
      cell.add();
      if (outcome === "ok") u.ttfb.observe(seconds);
    },
    streamOpened() {
      activeStreams++;
    },
    streamClosed() {
      activeStreams--;
    },
    samplePending(next) {
      sample = next;
    },
  };
}
