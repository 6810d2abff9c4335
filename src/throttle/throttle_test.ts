// One contract suite for the ThrottleStore implementations: in-process, Redis, and Redis on a 3-master cluster.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connectFastRedis, connectFastRedisCluster, type RedisCommands } from "../redis/mod.ts";
import { REDIS_URL } from "../testing/databases.ts";
import { type RedisCluster, startRedisCluster } from "../testing/redis_cluster.ts";
import { createMemoryThrottleStore, createRedisThrottleStore, type ThrottleStore } from "./mod.ts";

const prefix = `aihub-throttle-test-${process.pid}-${Date.now().toString(36)}`;
let redis: RedisCommands | null = null;
let cluster: RedisCluster | null = null;
let clusterRedis: RedisCommands | null = null;
const opened: ThrottleStore[] = [];

const implementations: Array<[string, (now?: () => number) => Promise<ThrottleStore>]> = [
  ["memory", async (now) => createMemoryThrottleStore({ now })],
  ["redis", async (now) => createRedisThrottleStore((redis ??= await connectFastRedis(REDIS_URL)), { prefix, now })],
  ["redis cluster", async (now) => createRedisThrottleStore((clusterRedis ??= await connectFastRedisCluster(cluster!.nodes)), { prefix, now })],
];

beforeAll(async () => {
  cluster = await startRedisCluster();
}, 60_000);

afterAll(async () => {
  for (const store of opened) await store.close();
  if (redis) {
    const keys = (await redis.send("KEYS", [`${prefix}:*`])) as string[];
    if (keys.length) await redis.send("DEL", keys);
    redis.close();
  }
  clusterRedis?.close();
  await cluster?.stop();
});

let seq = 0;
const bucket = () => `bucket-${++seq}`;
const MINUTE = 60_000;

for (const [name, open] of implementations) {
  /** A store with a clock the test moves by hand. */
  const clocked = async (start = Date.UTC(2026, 0, 1)) => {
    const clock = { now: start };
    const store = await open(() => clock.now);
    opened.push(store);
    return { store, clock };
  };

  describe(`ThrottleStore contract: ${name}`, () => {
    test("reserve() lets exactly `limit` of 200 concurrent attempts through", async () => {
      const store = await open();
      opened.push(store);
      const b = bucket();
      const results = await Promise.all(Array.from({ length: 200 }, () => store.reserve(b, { limit: 5, windowMs: 15 * MINUTE })));
      expect(results.filter((r) => r.allowed)).toHaveLength(5);
      for (const r of results) if (!r.allowed) expect(r.retryAfterSec).toBeGreaterThanOrEqual(899), expect(r.retryAfterSec).toBeLessThanOrEqual(900);
    });

    test("release() gives a reserved slot back, and only that one", async () => {
      const { store } = await clocked();
      const b = bucket();
      const first = await store.reserve(b, { limit: 2, windowMs: MINUTE });
      await store.reserve(b, { limit: 2, windowMs: MINUTE });
      expect((await store.reserve(b, { limit: 2, windowMs: MINUTE })).allowed).toBe(false);
      if (!first.allowed) throw new Error("first reservation refused");
      await store.release(b, first.token);
      expect((await store.reserve(b, { limit: 2, windowMs: MINUTE })).allowed).toBe(true);
      expect((await store.reserve(b, { limit: 2, windowMs: MINUTE })).allowed).toBe(false);
    });

    test("the window slides: an event stops counting exactly `windowMs` after it, and Retry-After says when", async () => {
      const { store, clock } = await clocked();
      const b = bucket();
      const rule = { limit: 3, windowMs: MINUTE };
      const start = clock.now;
      for (const at of [0, 10_000, 20_000]) {
        clock.now = start + at;
        expect((await store.reserve(b, rule)).allowed).toBe(true);
      }
      clock.now = start + 30_000;
      expect(await store.reserve(b, rule)).toEqual({ allowed: false, retryAfterSec: 30 });
      clock.now = start + MINUTE - 1;
      expect(await store.reserve(b, rule)).toEqual({ allowed: false, retryAfterSec: 1 });
      clock.now = start + MINUTE;
      expect((await store.reserve(b, rule)).allowed).toBe(true);
      expect(await store.reserve(b, rule)).toEqual({ allowed: false, retryAfterSec: 10 });
    });

    test("with backoff a full bucket admits again after a delay that doubles, capped at the window", async () => {
      const { store, clock } = await clocked();
      const b = bucket();
      const rule = { limit: 2, windowMs: 15 * MINUTE, backoffMs: 1000 };
      const start = clock.now;
      expect((await store.reserve(b, rule)).allowed).toBe(true);
      expect((await store.reserve(b, rule)).allowed).toBe(true);
      expect(await store.reserve(b, rule)).toEqual({ allowed: false, retryAfterSec: 1 });
      // Each admitted event doubles the wait after it: 1 s, 2 s, 4 s, ...
      let at = start;
      for (const wait of [1000, 2000, 4000, 8000]) {
        clock.now = at + wait - 1;
        expect((await store.reserve(b, rule)).allowed).toBe(false);
        clock.now = at + wait;
        expect((await store.reserve(b, rule)).allowed).toBe(true);
        at = clock.now;
      }
      // 6 events: the next waits 16 s.
      expect(await store.reserve(b, rule)).toEqual({ allowed: false, retryAfterSec: 16 });
    });

    test("with backoff, concurrent attempts on a full bucket get one event through per delay", async () => {
      const { store, clock } = await clocked();
      const b = bucket();
      const rule = { limit: 2, windowMs: 15 * MINUTE, backoffMs: 1000 };
      await store.reserve(b, rule);
      await store.reserve(b, rule);
      clock.now += 1000;
      const results = await Promise.all(Array.from({ length: 50 }, () => store.reserve(b, rule)));
      expect(results.filter((r) => r.allowed)).toHaveLength(1);
    });

    test("with `member` the bucket counts distinct members, and a member already in it is admitted again", async () => {
      const { store, clock } = await clocked();
      const b = bucket();
      const rule = { limit: 3, windowMs: MINUTE };
      for (const member of ["a", "b", "a", "c", "a"]) expect((await store.reserve(b, rule, { member })).allowed).toBe(true);
      expect((await store.reserve(b, rule, { member: "d" })).allowed).toBe(false);
      expect((await store.reserve(b, rule, { member: "b" })).allowed).toBe(true);
      // "a" was re-timed, so a window after the first reservations it alone still counts ("b" and "c" left).
      clock.now += 30_000;
      await store.reserve(b, rule, { member: "a" });
      clock.now += 30_000;
      for (const member of ["d", "e"]) expect((await store.reserve(b, rule, { member })).allowed).toBe(true);
      expect((await store.reserve(b, rule, { member: "f" })).allowed).toBe(false);
      await store.release(b, "a");
      expect((await store.reserve(b, rule, { member: "f" })).allowed).toBe(true);
    });

    test("remember() keeps a key for its lifetime", async () => {
      const store = await open();
      opened.push(store);
      const key = `known-${++seq}`;
      expect(await store.remembers(key)).toBe(false);
      await store.remember(key, 200);
      expect(await store.remembers(key)).toBe(true);
      await Bun.sleep(250);
      expect(await store.remembers(key)).toBe(false);
    });
  });
}
