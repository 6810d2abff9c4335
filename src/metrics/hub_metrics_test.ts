// The metrics' own rules, without HTTP: bounded labels, cumulative buckets, the window peak, a sample that fails.
import { describe, expect, test } from "bun:test";
import { parseExposition } from "../testing/prometheus.ts";
import { createHubMetrics, LATENCY_BUCKETS } from "./hub_metrics.ts";

const scrape = async (metrics: ReturnType<typeof createHubMetrics>) => parseExposition(await metrics.registry.metrics());

describe("createHubMetrics()", () => {
  test("an unknown method is one label value, and a route of null is 'unmatched'", async () => {
    const metrics = createHubMetrics({ upstreams: [] });
    for (const method of ["BREW", "PROPFIND", "get"]) metrics.httpRequest(null, method, 404, 0.001);
    metrics.httpRequest("/v1/models", "GET", 200, 0.002);
    const s = await scrape(metrics);
    expect(s.value("aihub_http_requests_total", { route: "unmatched", method: "OTHER", status: "404" })).toBe(3);
    expect(s.value("aihub_http_requests_total", { route: "/v1/models", method: "GET", status: "200" })).toBe(1);
    expect(s.series("aihub_http_requests_total").length).toBe(2);
  });

  test("histogram buckets are cumulative, with +Inf, _sum and _count", async () => {
    const metrics = createHubMetrics({ upstreams: ["u"] });
    for (const seconds of [0.0005, 0.001, 0.003, 0.2, 100]) metrics.upstreamAttempt("u", "ok", seconds);
    const s = await scrape(metrics);
    const at = (le: string) => s.value("aihub_upstream_ttfb_seconds_bucket", { upstream: "u", le });
    expect([at("0.001"), at("0.005"), at("0.25"), at("60"), at("+Inf")]).toEqual([2, 3, 4, 4, 5]);
    expect(s.series("aihub_upstream_ttfb_seconds_bucket").length).toBe(LATENCY_BUCKETS.length + 1);
    expect(s.value("aihub_upstream_ttfb_seconds_count", { upstream: "u" })).toBe(5);
    expect(s.value("aihub_upstream_ttfb_seconds_sum", { upstream: "u" })).toBeCloseTo(100.2045, 6);
  });

  test("failed tries count by their kind and add nothing to TTFB; an unconfigured upstream gets its series on first use", async () => {
    const metrics = createHubMetrics({ upstreams: ["u"] });
    metrics.upstreamAttempt("u", "timeout", 5);
    metrics.upstreamAttempt("v", "throttled", 0.01);
    const s = await scrape(metrics);
    expect(s.value("aihub_upstream_requests_total", { upstream: "u", outcome: "timeout" })).toBe(1);
    expect(s.value("aihub_upstream_requests_total", { upstream: "u", outcome: "ok" })).toBe(0);
    expect(s.value("aihub_upstream_ttfb_seconds_count", { upstream: "u" })).toBe(0);
    expect(s.value("aihub_upstream_requests_total", { upstream: "v", outcome: "throttled" })).toBe(1);
  });

  test("the window peak is the highest admitted ratio since the previous scrape; refusals do not move it", async () => {
    const metrics = createHubMetrics({ upstreams: [] });
    metrics.limitDecision("admitted", { rateLimit: 10, rateRemaining: 7 });
    metrics.limitDecision("admitted", { rateLimit: 4, rateRemaining: 2 });
    metrics.limitDecision("rate_limited", { rateLimit: 1, rateRemaining: 0 });
    metrics.limitDecision("admitted", { rateLimit: 0, rateRemaining: 0 });
    const first = await scrape(metrics);
    expect(first.value("aihub_limit_window_peak_ratio")).toBe(0.5);
    expect(first.value("aihub_limit_decisions_total", { outcome: "admitted" })).toBe(3);
    expect(first.value("aihub_limit_decisions_total", { outcome: "rate_limited" })).toBe(1);
    expect(first.value("aihub_limit_decisions_total", { outcome: "quota_exceeded" })).toBe(0);
    expect((await scrape(metrics)).value("aihub_limit_window_peak_ratio")).toBe(0);
  });

  test("a pending sample that fails or hangs reports NaN; one sample serves both pending gauges", async () => {
    const metrics = createHubMetrics({ upstreams: [] });
    let calls = 0;
    metrics.samplePending(async () => {
      calls++;
      return { records: 7, oldestAgeSeconds: 1.5 };
    });
    const s = await scrape(metrics);
    expect([s.value("aihub_usage_pending_records"), s.value("aihub_usage_flush_lag_seconds"), calls]).toEqual([7, 1.5, 1]);
    metrics.samplePending(() => Promise.reject(new Error("redis down")));
    expect((await scrape(metrics)).value("aihub_usage_pending_records")).toBeNaN();
    metrics.samplePending(() => new Promise(() => {}));
    const started = performance.now();
    expect((await scrape(metrics)).value("aihub_usage_flush_lag_seconds")).toBeNaN();
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  test("active streams go up and down", async () => {
    const metrics = createHubMetrics({ upstreams: [] });
    metrics.streamOpened();
    metrics.streamOpened();
    metrics.streamClosed();
    expect((await scrape(metrics)).value("aihub_active_streams")).toBe(1);
  });
});
