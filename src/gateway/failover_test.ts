// Failover on real HTTP upstreams on loopback: deployments that fail, refuse, reset, throttle or break mid-stream.
import { afterAll, describe, expect, test } from "bun:test";
import { refusedUrl, type RoutingHub, openRoutingHub, startResettingUpstream } from "../testing/fake_deployments.ts";
import { type FakeUpstream, startCuttingUpstream, startFakeUpstream } from "../testing/fake_upstream.ts";
import { readSse } from "../testing/sse.ts";
import { upstreamHealth } from "./upstream_health.ts";

const chat = (content = "hello", extra: Record<string, unknown> = {}) => ({ model: "m", messages: [{ role: "user", content }], ...extra });
const twoDeployments = (a: string, b: string, extra: Record<string, unknown> = {}) => ({
  upstreams: [{ name: "a", base_url: a }, { name: "b", base_url: b }],
  models: [{ id: "m", input_price: 1, output_price: 2, deployments: [{ upstream: "a", upstream_model: "m-a", priority: 1 }, { upstream: "b", upstream_model: "m-b", priority: 2 }] }],
  retry: { attempts: 3, budget_ms: 10_000 },
  ...extra,
});

const cleanups: Array<() => unknown> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});
function fake(options: Parameters<typeof startFakeUpstream>[0] = {}): FakeUpstream {
  const upstream = startFakeUpstream(options);
  cleanups.push(() => upstream.stop());
  return upstream;
}
async function hubFor(spec: Record<string, unknown>): Promise<RoutingHub> {
  const hub = await openRoutingHub(spec);
  cleanups.push(() => hub.close());
  return hub;
}
const served = (r: Response) => [r.headers.get("x-aihub-upstream"), Number(r.headers.get("x-aihub-attempts"))] as const;

describe("failover across deployments", () => {
  test("100 calls with the first deployment failing half the time all succeed, and it is skipped while it cools down", async () => {
    // A fixed pseudo-random pattern: about half of a's answers are 500s.
    let seed = 42;
    const a = fake({ intercept: () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >> 16) % 2 === 0 ? Response.json({ error: { message: "boom" } }, { status: 500 }) : null });
    const b = fake();
    const f = await hubFor(twoDeployments(a.url, b.url, { cooldown: { failures: 2, seconds: 1 } }));
    const calls: Array<{ upstream: string | null; attempts: number; at: number }> = [];
    for (let i = 0; i < 100; i++) {
      const r = await f.post("/v1/chat/completions", chat(`call ${i}`));
      expect(r.status).toBe(200);
      await r.arrayBuffer();
      const [upstream, attempts] = served(r);
      calls.push({ upstream, attempts, at: performance.now() });
    }
    const failedOnA = calls.filter((c) => c.attempts === 2).length;
    expect(failedOnA).toBeGreaterThanOrEqual(2);
    expect(a.requests.length).toBe(calls.filter((c) => c.upstream === "a").length + failedOnA);
    // Two failures of a in a row start its cooldown: the calls inside that second go straight to b.
    let skippedAfterCooldown = 0;
    for (let i = 2; i < calls.length; i++) {
      if (calls[i - 2]!.attempts === 2 && calls[i - 1]!.attempts === 2 && calls[i]!.at - calls[i - 1]!.at < 900) {
        expect([calls[i]!.upstream, calls[i]!.attempts]).toEqual(["b", 1]);
        skippedAfterCooldown++;
      }
    }
    expect(skippedAfterCooldown).toBeGreaterThan(0);
    const records = await f.records();
    expect(records).toHaveLength(100);
    expect(records.every((r) => r.status === 200 && r.countsQuota)).toBe(true);
    expect(await f.quotaUsed()).toBe(100);
  }, 60_000);

  test("a dead deployment is tried once per cooldown window, not once per call", async () => {
    const dead = startResettingUpstream();
    cleanups.push(() => dead.stop());
    const b = fake();
    const f = await hubFor(twoDeployments(dead.url, b.url, { cooldown: { failures: 1, seconds: 1 } }));
    const started = performance.now();
    let calls = 0, failovers = 0;
    while (performance.now() - started < 2_300) {
      const r = await f.post("/v1/chat/completions", chat());
      expect(r.status).toBe(200);
      await r.arrayBuffer();
      calls++;
      if (served(r)[1] === 2) failovers++;
      await Bun.sleep(40);
    }
    // Windows start at 0 s, ~1 s and ~2 s: three tries in all, whatever the number of calls.
    expect(calls).toBeGreaterThan(20);
    expect(failovers).toBe(3);
    expect(dead.connections()).toBeGreaterThanOrEqual(3);
    expect(dead.connections()).toBeLessThanOrEqual(6);
  }, 30_000);

  test("weights 3:1 within a priority spread 400 calls within ±10 % of 300:100", async () => {
    const a = fake(), b = fake();
    const f = await hubFor({
      upstreams: [{ name: "a", base_url: a.url }, { name: "b", base_url: b.url }],
      models: [{ id: "m", deployments: [{ upstream: "a", priority: 1, weight: 3 }, { upstream: "b", priority: 1, weight: 1 }] }],
    });
    const counts: Record<string, number> = { a: 0, b: 0 };
    for (let batch = 0; batch < 20; batch++) {
      const responses = await Promise.all(Array.from({ length: 20 }, () => f.post("/v1/chat/completions", chat())));
      for (const r of responses) {
        expect(r.status).toBe(200);
        await r.arrayBuffer();
        counts[r.headers.get("x-aihub-upstream")!]!++;
      }
    }
    expect(counts.a).toBeGreaterThanOrEqual(270);
    expect(counts.a).toBeLessThanOrEqual(330);
    expect(counts.b).toBeGreaterThanOrEqual(90);
    expect(counts.b).toBeLessThanOrEqual(110);
    expect(a.requests.length + b.requests.length).toBe(400);
  }, 60_000);

  test("a stream that breaks after its first byte is not retried: one record marked failed, quota given back", async () => {
    const cutting = startCuttingUpstream();
    cleanups.push(() => cutting.stop());
    const b = fake();
    const f = await hubFor(twoDeployments(cutting.url, b.url));
    const before = await f.quotaUsed();
    const r = await f.post("/v1/chat/completions", chat("stream", { stream: true }));
    expect(served(r)).toEqual(["a", 1]);
    const events = await readSse(r);
    expect(events.some((e) => e.data.includes("Hello"))).toBe(true);
    expect(JSON.parse(events.at(-1)!.data).error).toMatchObject({ type: "upstream_error", code: "upstream_failed" });
    expect(b.requests).toHaveLength(0);
    expect(await f.quotaUsed()).toBe(before);
    const records = await f.records();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status: 502, outcome: "upstream_error", countsQuota: false, upstream: "a", upstreamModel: "m-a", attempts: 1, stream: true });
  }, 30_000);

  test("all deployments down: 502 in the route's error shape, nothing charged, one record naming each attempt's failure", async () => {
    const b = fake({ intercept: () => Response.json({ error: { message: "down" } }, { status: 503 }) });
    const f = await hubFor(twoDeployments(refusedUrl(), b.url, { cooldown: { failures: 100, seconds: 1 } }));
    const r = await f.post("/v1/chat/completions", chat());
    expect(r.status).toBe(502);
    expect(served(r)).toEqual([null, 2]);
    const body = (await r.json()) as { error: { message: string; type: string; code: string } };
    expect(body.error).toMatchObject({ type: "upstream_error", code: "upstream_failed" });
    expect(body.error.message).toContain("a: connection refused");
    expect(body.error.message).toContain("b: HTTP 503");
    const seed = await f.post("/api/v1/developer/chat", { message: "hi", model: "m", stream: false });
    expect(seed.status).toBe(502);
    expect(((await seed.json()) as { detail: string }).detail).toContain("b: HTTP 503");
    expect(await f.quotaUsed()).toBe(0);
    const records = await f.records();
    expect(records).toHaveLength(2);
    for (const record of records) {
      expect(record).toMatchObject({ status: 502, outcome: "upstream_error", countsQuota: false, attempts: 2 });
      expect(record.error).toContain("a: connection refused");
      expect(record.error).toContain("b: HTTP 503");
    }
  }, 30_000);
});

describe("key pools", () => {
  test("a refused key is set aside after one use, and operators see it", async () => {
    const a = fake({ apiKey: "sk-good" });
    const f = await hubFor({ upstreams: [{ name: "a", base_url: a.url, api_keys: ["sk-bad", "sk-good"] }], models: [{ id: "m", upstream: "a" }] });
    for (let i = 0; i < 5; i++) {
      const r = await f.post("/v1/chat/completions", chat());
      expect(r.status).toBe(200);
      expect(served(r)).toEqual(["a", i === 0 ? 2 : 1]);
      await r.arrayBuffer();
    }
    expect(a.requests.map((r) => r.authorization)).toEqual(["Bearer sk-bad", ...Array(5).fill("Bearer sk-good")]);
    const status = await upstreamHealth(f.hub.runtime.deps);
    expect(status).toEqual([expect.objectContaining({ model: "m", upstream: "a", state: "healthy", keys_out: [{ key: "#1", state: "set_aside", reason: "HTTP 401", until: null }] })]);
    expect(JSON.stringify(status)).not.toContain("sk-bad");
  }, 30_000);

  test("a key answered 429 rests for its Retry-After, then comes back", async () => {
    let throttled = false;
    const a = fake({
      intercept: (_, request) => {
        if (request.headers.get("authorization") !== "Bearer k1" || throttled) return null;
        throttled = true;
        return Response.json({ error: { message: "slow down" } }, { status: 429, headers: { "retry-after": "1" } });
      },
    });
    const f = await hubFor({ upstreams: [{ name: "a", base_url: a.url, api_keys: ["k1", "k2"] }], models: [{ id: "m", upstream: "a" }] });
    const call = async () => {
      const r = await f.post("/v1/chat/completions", chat());
      expect(r.status).toBe(200);
      await r.arrayBuffer();
      return served(r)[1];
    };
    expect(await call()).toBe(2);
    await call();
    await call();
    expect(a.requests.map((r) => r.authorization)).toEqual(["Bearer k1", "Bearer k2", "Bearer k2", "Bearer k2"]);
    const [status] = await upstreamHealth(f.hub.runtime.deps);
    expect(status!.keys_out).toEqual([expect.objectContaining({ key: "#1", state: "resting" })]);
    await Bun.sleep(1_100);
    await call();
    expect(a.requests.at(-1)!.authorization).toBe("Bearer k1");
  }, 30_000);
});
