// redisKeys(): a single Redis keeps the names it always had (an upgrade orphans no counter); a cluster tags by user shard.
import { expect, test } from "bun:test";
import { redisKeys, USER_SHARDS } from "./mod.ts";

test("redisKeys() on a single Redis keeps the names earlier versions wrote, so counters survive an upgrade", () => {
  const names = redisKeys("aihub");
  expect(names.quota(7, "2026-11-01")).toBe("aihub:quota:{7}:2026-11-01");
  expect(names.lease(7, "2026-11-01")).toBe("aihub:lease:{7}:2026-11-01");
  expect(names.rate(12, 7)).toBe("aihub:rate:{12}");
  // Settle batches have their own stream; the flusher also drains the one-record stream of older hubs.
  expect(names.usageStreams).toEqual(["aihub:usage-batches", "aihub:usage"]);
  expect(names.usageStreamOf(7)).toBe("aihub:usage-batches");
  expect(names.shardOf(7)).toBe(names.shardOf(8));
});

test("redisKeys() on a cluster tags a user's keys and its usage stream with the user's shard", () => {
  const names = redisKeys("aihub", { cluster: true });
  expect(names.quota(7, "2026-11-01")).toBe("aihub:quota:{u7}:7:2026-11-01");
  expect(names.lease(71, "2026-11-01")).toBe("aihub:lease:{u7}:71:2026-11-01");
  expect(names.rate(12, 7)).toBe("aihub:rate:{u7}:12");
  expect(names.usageStreamOf(7 + USER_SHARDS)).toBe("aihub:usage-batches:{u7}");
  expect(names.usageStreams).toHaveLength(2 * USER_SHARDS);
  expect(names.usageStreams).toContain("aihub:usage:{u7}");
  expect(names.usageStreams).toContain(names.usageStreamOf(12345));
  // The lease sweep turns a lease key into its lease counts and quota counter by swapping the prefix, and the
  // SCAN for lease keys does not match the lease counts.
  const lease = names.lease(7, "2026-11-01");
  expect(names.quotaPrefix + lease.slice(names.leasePrefix.length)).toBe(names.quota(7, "2026-11-01"));
  expect(names.leaseCountPrefix + lease.slice(names.leasePrefix.length)).toBe(names.leaseCount(7, "2026-11-01"));
  expect(names.leaseCount(7, "2026-11-01").startsWith(names.leasePrefix)).toBe(false);
});
