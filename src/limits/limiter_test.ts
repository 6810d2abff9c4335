// One contract suite for the LimitStore implementations: in-process, Redis, and Redis on a 3-master cluster.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type AdmitRequest, createMemoryLimitStore, createRedisLimitStore, type LimitStore } from "./mod.ts";
import { connectFastRedis, connectFastRedisCluster, connectRedis, isCluster, type Redis, redisKeys } from "../redis/mod.ts";
import type { UsageRecord } from "../usage/mod.ts";
import { REDIS_URL } from "../testing/databases.ts";
import { type RedisCluster, startRedisCluster } from "../testing/redis_cluster.ts";
import { quotaPeriod } from "../plans/mod.ts";

interface Harness {
  store: LimitStore;
  /** A second store whose reservations lease for LEASE_MS only. */
  leased: LimitStore;
  /** Lets more than LEASE_MS pass for `leased` (a clock for memory, real time for Redis). */
  expireLeases(): Promise<void>;
  /** Records settled so far (persisted, or in the Redis stream). */
  records(): Promise<UsageRecord[]>;
  persisted: UsageRecord[];
  /** Quota used as the "database" reports it when a counter has to be rebuilt. */
  stored: Map<string, number>;
  close(): Promise<void>;
}

/** The Redis store on the shared Redis (under a fresh prefix), or on a private cluster stopped with the harness. */
async function redisHarness(cluster: RedisCluster | null): Promise<Harness> {
  const redis: Redis = await connectRedis(cluster ? { clusterNodes: cluster.nodes } : REDIS_URL);
  const prefix = `aihub-contract-${process.pid}-${Date.now().toString(36)}`;
  const stored = new Map<string, number>();
  const loadQuota = async (u: number, p: string) => stored.get(`${u}:${p}`) ?? 0;
  const connect = () => cluster ? connectFastRedisCluster(cluster.nodes) : connectFastRedis(REDIS_URL);
  const store = createRedisLimitStore(await connect(), { loadQuota, prefix });
  const leased = createRedisLimitStore(await connect(), { loadQuota, prefix, leaseMs: LEASE_MS });
  const persisted: UsageRecord[] = [];
  const records = async () => {
    const streams = await Promise.all(redisKeys(prefix, { cluster: cluster !== null }).usageStreams.map((stream) => redis.xRange(stream, "-", "+")));
    // Each stream entry holds one settle batch: {n, b: JSON array of its records}.
    return streams.flat().flatMap((e) => JSON.parse(e!.message.b!) as UsageRecord[]);
  };
  return {
    store,
    leased,
    expireLeases: () => Bun.sleep(LEASE_MS + 20),
    records,
    persisted,
    stored,
    close: async () => {
      persisted.push(...(await records()));
      await leased.close();
      if (!isCluster(redis)) for await (const keys of redis.scanIterator({ MATCH: `${prefix}:*`, COUNT: 1000 })) if (keys.length) await redis.del(keys);
      await redis.close();
      await store.close();
      await cluster?.stop();
    },
  };
}

let seq = 0;
const period = () => {
  const p = quotaPeriod();
  return { key: p.key, end: p.end };
};
/** An admit request with a fresh call id unless it names one. */
const req = (r: Omit<AdmitRequest, "callId"> & { callId?: string }): AdmitRequest => ({ callId: crypto.randomUUID(), ...r });
const ids = () => ({ keyId: 1_000_000 + ++seq, userId: 1_000_000 + seq });
const record = (userId: number, keyId: number): UsageRecord => ({
  id: crypto.randomUUID(), userId, apiKeyId: keyId, endpoint: "/v1/chat/completions", model: "m", upstream: "u", status: 200, outcome: "ok",
  countsQuota: true, promptTokens: 1, completionTokens: 1, tokensEstimated: false, cost: 0, latencyMs: 1, ttfbMs: 1, stream: false, error: null, createdAt: new Date().toISOString(),
  quotaPeriod: quotaPeriod().key,
});

const LEASE_MS = 300;

const implementations: Array<[string, () => Promise<Harness>]> = [
  ["memory", async () => {
    const persisted: UsageRecord[] = [];
    const stored = new Map<string, number>();
    const loadQuota = async (u: number, p: string) => stored.get(`${u}:${p}`) ?? 0;
    const persist = async (r: UsageRecord) => void persisted.push(r);
    const store = createMemoryLimitStore({ loadQuota, persist });
    let offset = 0;
    const leased = createMemoryLimitStore({ loadQuota, persist, leaseMs: LEASE_MS, now: () => Date.now() + offset });
    return {
      store,
      leased,
      expireLeases: async () => void (offset += LEASE_MS + 1),
      records: async () => persisted,
      persisted,
      stored,
      close: async () => {
        await store.close();
        await leased.close();
      },
    };
  }],
  ["redis", () => redisHarness(null)],
  ["redis cluster", async () => redisHarness(await startRedisCluster())],
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
      const results = await Promise.all(Array.from({ length: 300 }, () => h.store.admit(req({ keyId, userId, rateLimit: 50, quotaLimit: 1_000_000, countsQuota: true, period: period() }))));
      expect(results.filter((r) => r.allowed)).toHaveLength(50);
      const refused = results.filter((r) => !r.allowed);
      expect(refused.every((r) => !r.allowed && r.reason === "rate_limited" && r.retryAfterSec >= 1 && r.retryAfterSec <= 60)).toBe(true);
      // Refused calls consumed no quota.
      expect(await h.store.quotaUsed(userId, period().key)).toBe(50);
    });

    test("admit() lets exactly the remaining quota of 300 concurrent calls through", async () => {
      const { keyId, userId } = ids();
      h.stored.set(`${userId}:${period().key}`, 900);
      const results = await Promise.all(Array.from({ length: 300 }, () => h.store.admit(req({ keyId, userId, rateLimit: 100_000, quotaLimit: 1000, countsQuota: true, period: period() }))));
      expect(results.filter((r) => r.allowed)).toHaveLength(100);
      expect(results.filter((r) => !r.allowed && r.reason === "quota_exceeded")).toHaveLength(200);
      expect(await h.store.quotaUsed(userId, period().key)).toBe(1000);
    });

    test("admit() decides concurrent calls of many users at once, each user exactly at its limit", async () => {
      const owners = Array.from({ length: 40 }, () => ids());
      const results = await Promise.all(owners.flatMap(({ keyId, userId }) =>
        Array.from({ length: 12 }, () => h.store.admit(req({ keyId, userId, rateLimit: 5, quotaLimit: 1_000_000, countsQuota: true, period: period() })).then((r) => ({ userId, r })))));
      for (const { userId } of owners) {
        expect(results.filter((x) => x.userId === userId && x.r.allowed)).toHaveLength(5);
        expect(await h.store.quotaUsed(userId, period().key)).toBe(5);
      }
    });

    test("a call refused for quota does not use up the rate limit", async () => {
      const { keyId, userId } = ids();
      h.stored.set(`${userId}:${period().key}`, 10);
      for (let i = 0; i < 5; i++) expect((await h.store.admit(req({ keyId, userId, rateLimit: 3, quotaLimit: 10, countsQuota: true, period: period() }))).allowed).toBe(false);
      const read = await h.store.admit(req({ keyId, userId, rateLimit: 3, quotaLimit: 10, countsQuota: false, period: period() }));
      expect(read.allowed).toBe(true);
      expect(read.state.rateRemaining).toBe(2);
    });

    test("calls that do not count toward the quota still count toward the rate limit", async () => {
      const { keyId, userId } = ids();
      for (let i = 0; i < 3; i++) expect((await h.store.admit(req({ keyId, userId, rateLimit: 3, quotaLimit: 0, countsQuota: false, period: period() }))).allowed).toBe(true);
      const fourth = await h.store.admit(req({ keyId, userId, rateLimit: 3, quotaLimit: 0, countsQuota: false, period: period() }));
      expect(fourth.allowed).toBe(false);
      expect(await h.store.quotaUsed(userId, period().key)).toBe(0);
    });

    test("state reports limit, remaining and resets as integers", async () => {
      const { keyId, userId } = ids();
      const first = await h.store.admit(req({ keyId, userId, rateLimit: 10, quotaLimit: 100, countsQuota: true, period: period() }));
      expect(first.state).toMatchObject({ rateLimit: 10, rateRemaining: 9, quotaLimit: 100, quotaUsed: 1, quotaReset: Math.floor(period().end.getTime() / 1000) });
      const now = Date.now() / 1000;
      expect(first.state.rateReset).toBeGreaterThanOrEqual(Math.floor(now + 59));
      expect(first.state.rateReset).toBeLessThanOrEqual(Math.ceil(now + 61));
    });

    test("settle() gives a failed call's quota back and keeps its record", async () => {
      const { keyId, userId } = ids();
      const failed = { ...record(userId, keyId), outcome: "upstream_error" as const, countsQuota: false, status: 502 };
      const charged = record(userId, keyId);
      await h.store.admit(req({ callId: failed.id, keyId, userId, rateLimit: 10, quotaLimit: 100, countsQuota: true, period: period() }));
      await h.store.admit(req({ callId: charged.id, keyId, userId, rateLimit: 10, quotaLimit: 100, countsQuota: true, period: period() }));
      expect(await h.store.quotaUsed(userId, period().key)).toBe(2);
      await h.store.settle(failed, { refundQuota: true, periodKey: period().key });
      await h.store.settle(charged, { refundQuota: false, periodKey: period().key });
      expect(await h.store.quotaUsed(userId, period().key)).toBe(1);
      if (name === "memory") expect(h.persisted.map((r) => r.id)).toContain(failed.id);
    });

    test("a missing counter is rebuilt from the stored value, never reset to zero", async () => {
      const { keyId, userId } = ids();
      h.stored.set(`${userId}:${period().key}`, 4321);
      const admission = await h.store.admit(req({ keyId, userId, rateLimit: 10, quotaLimit: 10_000, countsQuota: true, period: period() }));
      expect(admission.state.quotaUsed).toBe(4322);
      const other = ids().userId;
      h.stored.set(`${other}:${period().key}`, 77);
      expect(await h.store.quotaUsed(other, period().key)).toBe(77);
    });

    test("a reservation never settled is given back once its lease ends, even if its user stays idle", async () => {
      const { keyId, userId } = ids();
      h.stored.set(`${userId}:${period().key}`, 10);
      const admitted = await Promise.all(Array.from({ length: 40 }, () => h.leased.admit(req({ keyId, userId, rateLimit: 1000, quotaLimit: 1000, countsQuota: true, period: period() }))));
      expect(admitted.every((a) => a.allowed)).toBe(true);
      expect(await h.leased.quotaUsed(userId, period().key)).toBe(50);
      await h.expireLeases();
      // The store's own sweep may have come first: either way the reservations are back.
      await h.leased.reconcileLeases();
      expect(await h.leased.quotaUsed(userId, period().key)).toBe(10);
      expect(await h.leased.reconcileLeases()).toBe(0);
    });

    test("admit() gives back its user's expired reservations before deciding", async () => {
      const { keyId, userId } = ids();
      const admit = () => h.leased.admit(req({ keyId, userId, rateLimit: 1000, quotaLimit: 2, countsQuota: true, period: period() }));
      expect((await admit()).allowed).toBe(true);
      expect((await admit()).allowed).toBe(true);
      expect((await admit()).allowed).toBe(false);
      await h.expireLeases();
      const after = await admit();
      expect(after.allowed).toBe(true);
      expect(after.state.quotaUsed).toBe(1);
    });

    test("a settled call's reservation is left alone when its lease would have ended", async () => {
      const { keyId, userId } = ids();
      const charged = record(userId, keyId);
      const failed = { ...record(userId, keyId), outcome: "upstream_error" as const, countsQuota: false, status: 502 };
      for (const r of [charged, failed]) await h.leased.admit(req({ callId: r.id, keyId, userId, rateLimit: 1000, quotaLimit: 1000, countsQuota: true, period: period() }));
      await h.leased.settle(charged, { refundQuota: false, periodKey: period().key });
      await h.leased.settle(failed, { refundQuota: true, periodKey: period().key });
      expect(await h.leased.quotaUsed(userId, period().key)).toBe(1);
      await h.expireLeases();
      await h.leased.reconcileLeases();
      expect(await h.leased.quotaUsed(userId, period().key)).toBe(1);
    });

    test("of calls admitted together, a lease's end gives back only the reservations not yet settled", async () => {
      const { keyId, userId } = ids();
      h.stored.set(`${userId}:${period().key}`, 10);
      const calls = Array.from({ length: 12 }, () => record(userId, keyId));
      // Admitted concurrently (one batch where the store batches), then four charged and four refunded, interleaved.
      await Promise.all(calls.map((r) => h.leased.admit(req({ callId: r.id, keyId, userId, rateLimit: 1000, quotaLimit: 1000, countsQuota: true, period: period() }))));
      expect(await h.leased.quotaUsed(userId, period().key)).toBe(22);
      await Promise.all(calls.slice(0, 8).map((r, i) => i % 2 === 0
        ? h.leased.settle(r, { refundQuota: false, periodKey: period().key })
        : h.leased.settle({ ...r, outcome: "upstream_error" as const, countsQuota: false, status: 502 }, { refundQuota: true, periodKey: period().key })));
      expect(await h.leased.quotaUsed(userId, period().key)).toBe(18);
      await h.expireLeases();
      await h.leased.reconcileLeases();
      // 10 before, 4 charged; the 4 never settled are back.
      expect(await h.leased.quotaUsed(userId, period().key)).toBe(14);
      // One settling late is charged again; a late refund gives nothing back twice.
      await h.leased.settle(calls[8]!, { refundQuota: false, periodKey: period().key });
      await h.leased.settle({ ...calls[9]!, outcome: "upstream_error" as const, countsQuota: false, status: 502 }, { refundQuota: true, periodKey: period().key });
      expect(await h.leased.quotaUsed(userId, period().key)).toBe(15);
      expect(await h.leased.reconcileLeases()).toBe(0);
    });

    test("a call settling after its lease ended is not refunded twice, and a charged one counts again", async () => {
      const { keyId, userId } = ids();
      h.stored.set(`${userId}:${period().key}`, 10);
      const charged = record(userId, keyId);
      const failed = { ...record(userId, keyId), outcome: "upstream_error" as const, countsQuota: false, status: 502 };
      for (const r of [charged, failed]) await h.leased.admit(req({ callId: r.id, keyId, userId, rateLimit: 1000, quotaLimit: 1000, countsQuota: true, period: period() }));
      expect(await h.leased.quotaUsed(userId, period().key)).toBe(12);
      await h.expireLeases();
      await h.leased.reconcileLeases();
      expect(await h.leased.quotaUsed(userId, period().key)).toBe(10);
      await h.leased.settle(failed, { refundQuota: true, periodKey: period().key });
      expect(await h.leased.quotaUsed(userId, period().key)).toBe(10);
      await h.leased.settle(charged, { refundQuota: false, periodKey: period().key });
      expect(await h.leased.quotaUsed(userId, period().key)).toBe(11);
      const ids_ = (await h.records()).map((r) => r.id);
      expect(ids_).toContain(charged.id);
      expect(ids_).toContain(failed.id);
    });

  });
}

describe("memory limits with a clock", () => {
  test("no 60-second span admits more than the limit, across minute boundaries", async () => {
    let now = Date.UTC(2026, 0, 1, 0, 0, 30);
    const store = createMemoryLimitStore({ loadQuota: async () => 0, persist: async () => {}, now: () => now });
    const admit = () => store.admit(req({ keyId: 1, userId: 1, rateLimit: 10, quotaLimit: 1_000_000, countsQuota: false, period: period() }));
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
