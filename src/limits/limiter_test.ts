// One contract suite for both LimitStore implementations: in-process and Redis.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createMemoryLimitStore, createRedisLimitStore, type LimitStore } from "./mod.ts";
import { connectFastRedis, connectRedis, type Redis, redisKeys } from "../redis/mod.ts";
import type { UsageRecord } from "../usage/mod.ts";
import { REDIS_URL } from "../testing/databases.ts";
import { quotaPeriod } from "../plans/mod.ts";

interface Harness {
  store: LimitStore;
  persisted: UsageRecord[];
  /** Quota used as the "database" reports it when a counter has to be rebuilt. */
  stored: Map<string, number>;
  close(): Promise<void>;
}

let seq = 0;
const period = () => {
  const p = quotaPeriod();
  return { key: p.key, end: p.end };
};
const ids = () => ({ keyId: 1_000_000 + ++seq, userId: 1_000_000 + seq });
const record = (userId: number, keyId: number): UsageRecord => ({
  id: crypto.randomUUID(), userId, apiKeyId: keyId, endpoint: "/v1/chat/completions", model: "m", upstream: "u", status: 200, outcome: "ok",
  countsQuota: true, promptTokens: 1, completionTokens: 1, tokensEstimated: false, cost: 0, latencyMs: 1, ttfbMs: 1, stream: false, error: null, createdAt: new Date().toISOString(),
  quotaPeriod: quotaPeriod().key,
});

const implementations: Array<[string, () => Promise<Harness>]> = [
  ["memory", async () => {
    const persisted: UsageRecord[] = [];
    const stored = new Map<string, number>();
    const store = createMemoryLimitStore({ loadQuota: async (u, p) => stored.get(`${u}:${p}`) ?? 0, persist: async (r) => void persisted.push(r) });
    return { store, persisted, stored, close: () => store.close() };
  }],
  ["redis", async () => {
    const redis: Redis = await connectRedis(REDIS_URL);
    const prefix = `aihub-contract-${process.pid}-${Date.now().toString(36)}`;
    const stored = new Map<string, number>();
    const store = createRedisLimitStore(await connectFastRedis(REDIS_URL), { loadQuota: async (u, p) => stored.get(`${u}:${p}`) ?? 0, prefix });
    const persisted: UsageRecord[] = [];
    return {
      store,
      persisted,
      stored,
      close: async () => {
        const stream = redisKeys(prefix).usageStream;
        const entries = await redis.xRange(stream, "-", "+");
        persisted.push(...(entries ?? []).map((e) => JSON.parse(e.message.r!) as UsageRecord));
        for await (const keys of redis.scanIterator({ MATCH: `${prefix}:*`, COUNT: 1000 })) if (keys.length) await redis.del(keys);
        await redis.close();
        await store.close();
      },
    };
  }],
];

for (const [name, open] of implementations) {
  describe(`LimitStore contract: ${name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await open();
    }, 60_000);
    afterAll(() => h.close());

    test("admit() lets exactly `rateLimit` of 300 concurrent calls through", async () => {
      const { keyId, userId } = ids();
      const results = await Promise.all(Array.from({ length: 300 }, () => h.store.admit({ keyId, userId, rateLimit: 50, quotaLimit: 1_000_000, countsQuota: true, period: period() })));
      expect(results.filter((r) => r.allowed)).toHaveLength(50);
      const refused = results.filter((r) => !r.allowed);
      expect(refused.every((r) => !r.allowed && r.reason === "rate_limited" && r.retryAfterSec >= 1 && r.retryAfterSec <= 60)).toBe(true);
      // Refused calls consumed no quota.
      expect(await h.store.quotaUsed(userId, period().key)).toBe(50);
    });

    test("admit() lets exactly the remaining quota of 300 concurrent calls through", async () => {
      const { keyId, userId } = ids();
      h.stored.set(`${userId}:${period().key}`, 900);
      const results = await Promise.all(Array.from({ length: 300 }, () => h.store.admit({ keyId, userId, rateLimit: 100_000, quotaLimit: 1000, countsQuota: true, period: period() })));
      expect(results.filter((r) => r.allowed)).toHaveLength(100);
      expect(results.filter((r) => !r.allowed && r.reason === "quota_exceeded")).toHaveLength(200);
      expect(await h.store.quotaUsed(userId, period().key)).toBe(1000);
    });

    test("a call refused for quota does not use up the rate limit", async () => {
      const { keyId, userId } = ids();
      h.stored.set(`${userId}:${period().key}`, 10);
      for (let i = 0; i < 5; i++) expect((await h.store.admit({ keyId, userId, rateLimit: 3, quotaLimit: 10, countsQuota: true, period: period() })).allowed).toBe(false);
      const read = await h.store.admit({ keyId, userId, rateLimit: 3, quotaLimit: 10, countsQuota: false, period: period() });
      expect(read.allowed).toBe(true);
      expect(read.state.rateRemaining).toBe(2);
    });

    test("calls that do not count toward the quota still count toward the rate limit", async () => {
      const { keyId, userId } = ids();
      for (let i = 0; i < 3; i++) expect((await h.store.admit({ keyId, userId, rateLimit: 3, quotaLimit: 0, countsQuota: false, period: period() })).allowed).toBe(true);
      const fourth = await h.store.admit({ keyId, userId, rateLimit: 3, quotaLimit: 0, countsQuota: false, period: period() });
      expect(fourth.allowed).toBe(false);
      expect(await h.store.quotaUsed(userId, period().key)).toBe(0);
    });

    test("state reports limit, remaining and resets as integers", async () => {
      const { keyId, userId } = ids();
      const first = await h.store.admit({ keyId, userId, rateLimit: 10, quotaLimit: 100, countsQuota: true, period: period() });
      expect(first.state).toMatchObject({ rateLimit: 10, rateRemaining: 9, quotaLimit: 100, quotaUsed: 1, quotaReset: Math.floor(period().end.getTime() / 1000) });
      const now = Date.now() / 1000;
      expect(first.state.rateReset).toBeGreaterThanOrEqual(Math.floor(now + 59));
      expect(first.state.rateReset).toBeLessThanOrEqual(Math.ceil(now + 61));
    });

    test("settle() gives a failed call's quota back and keeps its record", async () => {
      const { keyId, userId } = ids();
      await h.store.admit({ keyId, userId, rateLimit: 10, quotaLimit: 100, countsQuota: true, period: period() });
      await h.store.admit({ keyId, userId, rateLimit: 10, quotaLimit: 100, countsQuota: true, period: period() });
      expect(await h.store.quotaUsed(userId, period().key)).toBe(2);
      const failed = { ...record(userId, keyId), outcome: "upstream_error" as const, countsQuota: false, status: 502 };
      await h.store.settle(failed, { refundQuota: true, periodKey: period().key });
      await h.store.settle(record(userId, keyId), { refundQuota: false, periodKey: period().key });
      expect(await h.store.quotaUsed(userId, period().key)).toBe(1);
      if (name === "memory") expect(h.persisted.map((r) => r.id)).toContain(failed.id);
    });

    test("a missing counter is rebuilt from the stored value, never reset to zero", async () => {
      const { keyId, userId } = ids();
      h.stored.set(`${userId}:${period().key}`, 4321);
      const admission = await h.store.admit({ keyId, userId, rateLimit: 10, quotaLimit: 10_000, countsQuota: true, period: period() });
      expect(admission.state.quotaUsed).toBe(4322);
      const other = ids().userId;
      h.stored.set(`${other}:${period().key}`, 77);
      expect(await h.store.quotaUsed(other, period().key)).toBe(77);
    });
  });
}

describe("memory limits with a clock", () => {
  test("no 60-second span admits more than the limit, across minute boundaries", async () => {
    let now = Date.UTC(2026, 0, 1, 0, 0, 30);
    const store = createMemoryLimitStore({ loadQuota: async () => 0, persist: async () => {}, now: () => now });
    const admit = () => store.admit({ keyId: 1, userId: 1, rateLimit: 10, quotaLimit: 1_000_000, countsQuota: false, period: period() });
    const admittedAt: number[] = [];
    // 30 s into a minute: 10 calls; then calls every second for two minutes.
    for (let i = 0; i < 10; i++) if ((await admit()).allowed) admittedAt.push(now);
    for (let s = 0; s < 120; s++) {
      now += 1000;
      if ((await admit()).allowed) admittedAt.push(now);
    }
    for (const start of admittedAt) expect(admittedAt.filter((t) => t >= start && t < start + 60_000).length).toBeLessThanOrEqual(10);
    // The next call is admitted exactly 60 s after the burst, not at the minute boundary.
    expect(admittedAt[10]).toBe(Date.UTC(2026, 0, 1, 0, 1, 30));
    await store.close();
  });
});
