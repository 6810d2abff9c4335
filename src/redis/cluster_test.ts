// Key slots and the fast client on a private 3-master Redis Cluster: one user's keys share a slot, users
// spread over the masters, and commands follow a slot that moves (ASK while it migrates, MOVED after).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type RedisCluster, startRedisCluster } from "../testing/redis_cluster.ts";
import { connectFastRedisCluster, type RedisCommands, redisKeys, slotOf } from "./mod.ts";

describe("slotOf()", () => {
  test("matches the slots Redis Cluster computes", async () => {
    // Values from the cluster specification and CLUSTER KEYSLOT.
    expect(slotOf("123456789")).toBe(0x31c3 % 16384);
    expect(slotOf("foo")).toBe(12182);
    expect(slotOf("{user1000}.following")).toBe(slotOf("{user1000}.followers"));
    expect(slotOf("foo{{bar}}zap")).toBe(slotOf("{bar"));
  });
});

describe("a 3-master Redis Cluster", () => {
  let cluster: RedisCluster;
  let redis: RedisCommands;
  beforeAll(async () => {
    cluster = await startRedisCluster();
    redis = await connectFastRedisCluster([cluster.nodes[1]!]);
  }, 60_000);
  afterAll(async () => {
    redis?.close();
    await cluster?.stop();
  });

  test("slotOf() agrees with the server's CLUSTER KEYSLOT, UTF-8 keys included", async () => {
    for (const key of ["aihub:quota:{u7}:7:2026-11-01", "aihub:attempts:{ip:10.0.0.1}", "aihub:known:{zoë@example.com}", "foo{}{bar}", "foo{bar}{zap}", "plain"]) {
      expect(Number((await cluster.run(cluster.nodes[0]!, "CLUSTER", "KEYSLOT", key)).trim())).toBe(slotOf(key));
    }
  });

  test("every key of one user (quota, leases, its keys' rate logs, its usage stream) is in one slot", () => {
    const names = redisKeys("aihub", { cluster: true });
    for (const userId of [1, 2, 63, 64, 65, 1_000_003]) {
      const slots = new Set([
        names.quota(userId, "2026-11-01"), names.lease(userId, "2026-11-01"), names.leaseCount(userId, "2026-11-01"), names.rate(10 * userId, userId), names.rate(10 * userId + 1, userId), names.usageStreamOf(userId),
      ].map(slotOf));
      expect(slots.size).toBe(1);
    }
  });

  test("users spread over all three masters, a fair share each", async () => {
    const names = redisKeys("aihub", { cluster: true });
    const perMaster = new Map<string, number>();
    const masterOf = await cluster.owners();
    for (let userId = 1; userId <= 3000; userId++) {
      const master = masterOf(slotOf(names.quota(userId, "2026-11-01")));
      perMaster.set(master, (perMaster.get(master) ?? 0) + 1);
    }
    expect([...perMaster.keys()].sort()).toEqual([...cluster.nodes].sort());
    for (const users of perMaster.values()) expect(users).toBeGreaterThan(500);
  });

  test("the fast client reaches every master and reads back what it wrote", async () => {
    expect(await redis.masters()).toHaveLength(3);
    const keys = Array.from({ length: 50 }, (_, i) => `fast:${i}`);
    await Promise.all(keys.map((k) => redis.send("SET", [k, k])));
    expect(await Promise.all(keys.map((k) => redis.send("GET", [k])))).toEqual(keys);
    const masterOf = await cluster.owners();
    expect(new Set(keys.map((k) => masterOf(slotOf(k)))).size).toBe(3);
  });

  test("a command follows its slot while it migrates (ASK) and after it moved (MOVED)", async () => {
    const key = "moving:{slot-test}:a";
    const other = "moving:{slot-test}:b";
    const slot = String(slotOf(key));
    await redis.send("SET", [key, "before"]);
    const from = await cluster.masterOf(slotOf(key));
    const to = cluster.nodes.find((n) => n !== from)!;
    const id = async (node: string) => (await cluster.run(node, "CLUSTER", "MYID")).trim();
    const [fromId, toId] = [await id(from), await id(to)];
    await cluster.run(to, "CLUSTER", "SETSLOT", slot, "IMPORTING", fromId);
    await cluster.run(from, "CLUSTER", "SETSLOT", slot, "MIGRATING", toId);
    // A key the old master no longer has is asked for at the new one.
    expect(await redis.send("SET", [other, "asked"])).toBe("OK");
    expect((await cluster.run(to, "CLUSTER", "COUNTKEYSINSLOT", slot)).trim()).toBe("1");
    expect(await redis.send("GET", [key])).toBe("before");
    const [host, port] = to.split(":");
    await cluster.run(from, "MIGRATE", host!, port!, "", "0", "5000", "KEYS", key);
    for (const node of cluster.nodes) await cluster.run(node, "CLUSTER", "SETSLOT", slot, "NODE", toId);
    expect(await redis.send("GET", [key])).toBe("before");
    expect(await redis.send("SET", [key, "after"])).toBe("OK");
    expect(await cluster.masterOf(Number(slot))).toBe(to);
    expect((await cluster.run(to, "GET", key)).trim()).toBe("after");
  });
});
