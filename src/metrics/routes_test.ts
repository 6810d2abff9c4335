// GET /metrics against a real hub: counters move by exactly the calls made, with bounded labels, on both backends.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { users } from "../db/schema/mod.ts";
import { refusedUrl, writeUpstreamsFile } from "../testing/fake_deployments.ts";
import { type FakeUpstream, startFakeUpstream } from "../testing/fake_upstream.ts";
import { createKey, createTestHub, registerUser, type TestHub } from "../testing/harness.ts";
import { parseExposition, type Scrape } from "../testing/prometheus.ts";
import { LATENCY_BUCKETS, UPSTREAM_OUTCOMES } from "./mod.ts";

const TOKEN = "scrape-token-0123456789";
const SETUPS = [
  { name: "in-process limits on PGlite", backend: "pglite" as const, redis: false },
  { name: "Redis limits on PostgreSQL", backend: "postgres" as const, redis: true },
];
const chat = (content = "hello", extra: Record<string, unknown> = {}) => ({ model: "m", messages: [{ role: "user", content }], ...extra });
const CHAT = "/v1/chat/completions";

for (const setup of SETUPS) {
  describe(`GET /metrics with ${setup.name}`, () => {
    let upstream: FakeUpstream;
    let hub: TestHub;
    beforeAll(async () => {
      upstream = startFakeUpstream();
      // Model m fails over from a (nothing listens) to b (the fake upstream): two tries per call.
      const spec = {
        upstreams: [{ name: "a", base_url: refusedUrl() }, { name: "b", base_url: upstream.url }],
        models: [{ id: "m", deployments: [{ upstream: "a", upstream_model: "m-a", priority: 1 }, { upstream: "b", upstream_model: "m-b", priority: 2 }] }],
        retry: { attempts: 3, budget_ms: 10_000 },
        cooldown: { failures: 1000, seconds: 1 },
      };
      // A flusher pause of seconds holds records in the Redis stream once it has stored a batch.
      hub = await createTestHub({ backend: setup.backend, redis: setup.redis, env: { UPSTREAMS_FILE: writeUpstreamsFile(spec), METRICS_TOKEN: TOKEN, USAGE_FLUSH_PAUSE_MS: "4000" } });
    }, 60_000);
    afterAll(async () => {
      await hub.close();
      await upstream.stop();
    }, 15_000);

    const scrape = async (): Promise<Scrape> => {
      // Elysia runs after-response hooks just after the response is handed over: let the last request's run first.
      await Bun.sleep(10);
      const r = await hub.request("/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(r.status).toBe(200);
      return parseExposition(await r.text());
    };
    /** A user with `quota` requests a month, and a key of `rateLimit` per minute. */
    const keyFor = async (quota: number, rateLimit: number) => {
      const account = await registerUser(hub);
      await hub.runtime.deps.database.db.update(users).set({ monthlyQuota: quota, rateLimitCeiling: 100_000 }).where(eq(users.id, account.user.id));
      return { ...account, key: (await createKey(hub, account.token, { rate_limit: rateLimit })).key };
    };
    const post = (key: string, body: unknown) => hub.request(CHAT, { method: "POST", token: key, json: body });

    test("refuses a scrape without METRICS_TOKEN (401) and serves Prometheus text with it", async () => {
      for (const authorization of [null, "Bearer wrong", `Bearer ${TOKEN}x`, TOKEN]) {
        const r = await hub.request("/metrics", { headers: authorization ? { authorization } : {} });
        expect(r.status).toBe(401);
        expect(r.headers.get("www-authenticate")).toContain("Bearer");
        expect(await r.text()).not.toContain("aihub_");
      }
      await Bun.sleep(10);
      const r = await hub.request("/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
      const text = await r.text();
      for (const name of ["aihub_http_requests_total", "aihub_http_request_duration_seconds", "aihub_limit_decisions_total", "aihub_upstream_requests_total", "aihub_upstream_ttfb_seconds", "aihub_usage_pending_records", "aihub_usage_flush_lag_seconds", "aihub_active_streams", "aihub_limit_window_peak_ratio"]) {
        expect(text).toContain(`# TYPE ${name} `);
      }
      expect(parseExposition(text).value("aihub_http_requests_total", { route: "/metrics", method: "GET", status: "401" })).toBe(4);
    });

    test("an ok call, a 429 and a 402 move the request, decision, upstream and TTFB series by exactly one each", async () => {
      const strict = await keyFor(1, 1);
      // The same owner's second key: its quota is the one the first call used up.
      const second = (await createKey(hub, strict.token, { rate_limit: 50 })).key;
      const before = await scrape();
      expect((await post(strict.key, chat())).status).toBe(200);
      expect((await post(strict.key, chat())).status).toBe(429);
      expect((await post(second, chat())).status).toBe(402);
      const after = await scrape();
      const delta = (name: string, labels: Record<string, string> = {}) => (after.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0);

      for (const status of ["200", "429", "402"]) expect(delta("aihub_http_requests_total", { route: CHAT, method: "POST", status })).toBe(1);
      expect(delta("aihub_http_request_duration_seconds_count", { route: CHAT })).toBe(3);
      expect(delta("aihub_http_request_duration_seconds_bucket", { route: CHAT, le: "+Inf" })).toBe(3);
      for (const outcome of ["admitted", "rate_limited", "quota_exceeded"]) expect(delta("aihub_limit_decisions_total", { outcome })).toBe(1);
      // Each try of the failover counts: a refused, then b answered.
      expect(delta("aihub_upstream_requests_total", { upstream: "a", outcome: "failed" })).toBe(1);
      expect(delta("aihub_upstream_requests_total", { upstream: "b", outcome: "ok" })).toBe(1);
      expect(delta("aihub_upstream_ttfb_seconds_count", { upstream: "b" })).toBe(1);
      expect(delta("aihub_upstream_ttfb_seconds_count", { upstream: "a" })).toBe(0);
      // Every configured upstream's series exist from the start, at 0 until used.
      for (const outcome of UPSTREAM_OUTCOMES) expect(after.value("aihub_upstream_requests_total", { upstream: "a", outcome })).toBeNumber();
      const buckets = after.series("aihub_upstream_ttfb_seconds_bucket").filter((l) => l.upstream === "b").map((l) => l.le);
      expect(buckets).toEqual([...LATENCY_BUCKETS.map(String), "+Inf"]);
      let previous = 0;
      for (const le of buckets) {
        const count = after.value("aihub_upstream_ttfb_seconds_bucket", { upstream: "b", le: le! })!;
        expect(count).toBeGreaterThanOrEqual(previous);
        previous = count;
      }
      expect(after.value("aihub_upstream_ttfb_seconds_sum", { upstream: "b" })).toBeGreaterThan(0);
      // The key of limit 1 used its whole window: the peak is 1, then starts again from 0 at the next scrape.
      expect(after.value("aihub_limit_window_peak_ratio")).toBe(1);
      expect((await scrape()).value("aihub_limit_window_peak_ratio")).toBe(0);
    });

    test("usage records not yet in the database are counted with the oldest one's age, and none once flushed", async () => {
      const { key } = await keyFor(1000, 100);
      expect((await post(key, chat())).status).toBe(200);
      if (setup.redis) {
        // The flusher stored a batch and now pauses; what is left is flushed here, so the next two wait in the stream.
        await Bun.sleep(500);
        await hub.runtime.flushUsage();
        expect((await post(key, chat())).status).toBe(200);
        expect((await post(key, chat())).status).toBe(200);
        const held = await scrape();
        expect(held.value("aihub_usage_pending_records")).toBe(2);
        expect(held.value("aihub_usage_flush_lag_seconds")).toBeGreaterThan(0);
        expect(held.value("aihub_usage_flush_lag_seconds")).toBeLessThan(30);
      }
      await hub.runtime.flushUsage();
      const flushed = await scrape();
      expect(flushed.value("aihub_usage_pending_records")).toBe(0);
      expect(flushed.value("aihub_usage_flush_lag_seconds")).toBe(0);
    });

    test("a stream is active from its first byte until its outcome is settled", async () => {
      const { key } = await keyFor(1000, 100);
      const r = await post(key, chat("!delay:400", { stream: true }));
      expect(r.status).toBe(200);
      expect((await scrape()).value("aihub_active_streams")).toBe(1);
      expect(await r.text()).toContain("[DONE]");
      expect((await scrape()).value("aihub_active_streams")).toBe(0);
    });

    test("route labels are patterns: 50 random unknown paths add one series, a parameter stays a parameter", async () => {
      const { token } = await keyFor(1000, 100);
      const before = await scrape();
      for (let i = 0; i < 50; i++) expect((await hub.request(`/nope/${crypto.randomUUID()}?q=${i}`)).status).toBe(404);
      expect((await hub.request("/api/v1/developer/api-keys/987654", { method: "DELETE", token })).status).toBe(404);
      const after = await scrape();
      const delta = (labels: Record<string, string>) => (after.value("aihub_http_requests_total", labels) ?? 0) - (before.value("aihub_http_requests_total", labels) ?? 0);
      expect(delta({ route: "unmatched", method: "GET", status: "404" })).toBe(50);
      expect(delta({ route: "/api/v1/developer/api-keys/:id", method: "DELETE", status: "404" })).toBe(1);
      const routes = new Set(after.series("aihub_http_requests_total").map((l) => l.route));
      for (const route of routes) expect(route === "unmatched" || route!.startsWith("/")).toBe(true);
      expect([...routes].some((route) => route!.includes("nope") || route!.includes("987654"))).toBe(false);
    });
  });
}

describe("GET /metrics without METRICS_TOKEN", () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ backend: "pglite" });
  }, 60_000);
  afterAll(() => hub.close());

  test("is open (the operator keeps it off the public network)", async () => {
    const r = await hub.request("/metrics");
    expect(r.status).toBe(200);
    expect(await r.text()).toContain("# TYPE aihub_http_requests_total counter");
  });
});
