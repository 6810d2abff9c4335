// One contract suite for the HealthStore implementations (in-process, Redis, Redis Cluster), and the tracker over them.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connectFastRedis, connectFastRedisCluster, connectRedis, type RedisCommands } from "../redis/mod.ts";
import { REDIS_URL } from "../testing/databases.ts";
import { type RedisCluster, startRedisCluster } from "../testing/redis_cluster.ts";
import { createHealthTracker, createMemoryHealthStore, type HealthStore } from "./health.ts";
import { createRedisHealthStore } from "./health_redis.ts";

let redis: RedisCommands;
let cluster: RedisCluster;
let clusterRedis: RedisCommands;
const prefix = `aihub-health-test-${process.pid}-${Date.now().toString(36)}`;
let seq = 0;
const id = () => `up|model-${++seq}`;
const RULE = { threshold: 3, cooldownMs: 1_000 };

const implementations: Array<[string, () => HealthStore]> = [
  ["memory", () => createMemoryHealthStore()],
  ["redis", () => createRedisHealthStore(redis, { prefix })],
  ["redis cluster", () => createRedisHealthStore(clusterRedis, { prefix })],
];

beforeAll(async () => {
  redis = await connectFastRedis(REDIS_URL);
  cluster = await startRedisCluster();
  clusterRedis = await connectFastRedisCluster(cluster.nodes);
}, 60_000);
afterAll(async () => {
  redis.close();
  clusterRedis?.close();
  await cluster?.stop();
  const cleaner = await connectRedis(REDIS_URL);
  await cleaner.del([`${prefix}:{health}:failures`, `${prefix}:{health}:cooldowns`]);
  await cleaner.close();
});

for (const [name, open] of implementations) {
  describe(`HealthStore (${name})`, () => {
    test("an unknown deployment is healthy", async () => {
      expect(await open().read([id(), id()])).toEqual([{ failures: 0, coolUntil: 0 }, { failures: 0, coolUntil: 0 }]);
    });

    test("failures in a row start a cooldown at the threshold, and count again from zero", async () => {
      const store = open(), d = id();
      expect(await store.fail(d, RULE, 100)).toEqual({ failures: 1, coolUntil: 0 });
      expect(await store.fail(d, RULE, 200)).toEqual({ failures: 2, coolUntil: 0 });
      expect(await store.fail(d, RULE, 300)).toEqual({ failures: 0, coolUntil: 1_300 });
      expect(await store.read([d])).toEqual([{ failures: 0, coolUntil: 1_300 }]);
    });

    test("a failure during a cooldown changes nothing", async () => {
      const store = open(), d = id();
      for (const t of [1, 2, 3]) await store.fail(d, RULE, t);
      expect(await store.fail(d, RULE, 500)).toEqual({ failures: 0, coolUntil: 1_003 });
    });

    test("a success forgets failures and the cooldown", async () => {
      const store = open(), d = id();
      await store.fail(d, RULE, 1);
      await store.fail(d, RULE, 2);
      await store.succeed(d);
      expect(await store.fail(d, RULE, 3)).toEqual({ failures: 1, coolUntil: 0 });
    });

    test("after a cooldown exactly one caller claims the probe, which extends the cooldown", async () => {
      const store = open(), d = id();
      for (const t of [1, 2, 3]) await store.fail(d, RULE, t);
      expect(await store.claimProbe(d, 1_000, 500)).toBe(false);
      const claims = await Promise.all([1, 2, 3, 4].map(() => store.claimProbe(d, 1_000, 1_100)));
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect((await store.read([d]))[0]!.coolUntil).toBe(2_100);
      expect(await store.claimProbe(id(), 1_000, 1_100)).toBe(true);
    });
  });
}

describe("createHealthTracker()", () => {
  test("skips a cooling deployment, lets one probe through after it, and heals on the probe's success", async () => {
    let t = 0;
    const tracker = createHealthTracker(createMemoryHealthStore(), { failures: 2, seconds: 1, refreshMs: 0, now: () => t });
    const d = id();
    expect(await tracker.admit(d)).toBe("healthy");
    await tracker.failed(d);
    await tracker.failed(d);
    expect(await tracker.admit(d)).toBe("cooling");
    expect((await tracker.view([d]))[0]).toMatchObject({ state: "cooling_down", cooling_until: new Date(1_000).toISOString() });
    t = 1_001;
    expect(await tracker.admit(d)).toBe("probe");
    expect(await tracker.admit(d)).toBe("cooling");
    await tracker.succeeded(d);
    expect(await tracker.admit(d)).toBe("healthy");
  });

  test("a store that fails lets calls through", async () => {
    const broken: HealthStore = { ...createMemoryHealthStore(), read: () => Promise.reject(new Error("down")) };
    const errors: unknown[] = [];
    const tracker = createHealthTracker(broken, { failures: 1, seconds: 1, refreshMs: 0, onError: (e) => errors.push(e) });
    expect(await tracker.admit(id())).toBe("healthy");
    expect(errors).toHaveLength(1);
  });
});
