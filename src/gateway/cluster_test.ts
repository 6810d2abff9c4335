// The developer API on PostgreSQL + a 3-master Redis Cluster (REDIS_CLUSTER_NODES): exact rate limits and quota
// under concurrency, every delivered call's record moved into PostgreSQL by the flusher over all shard streams,
// and revocations reaching every hub through sharded pub/sub.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, inArray } from "drizzle-orm";
import { quotaUsage, usageRecords, users } from "../db/schema/mod.ts";
import { USER_SHARDS } from "../redis/mod.ts";
import { chat, type GatewayFixture, openGatewayFixture } from "../testing/gateway_fixture.ts";
import { createKey, createTestHub, registerUser } from "../testing/harness.ts";
import { type RedisCluster, startRedisCluster } from "../testing/redis_cluster.ts";

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

describe("developer API with Redis Cluster limits on PostgreSQL", () => {
  let cluster: RedisCluster;
  let f: GatewayFixture;
  beforeAll(async () => {
    cluster = await startRedisCluster();
    f = await openGatewayFixture({ name: "Redis Cluster limits on PostgreSQL", backend: "postgres", redis: { clusterNodes: cluster.nodes } });
  }, 60_000);
  afterAll(async () => {
    await f?.close();
    await cluster?.stop();
  });

  const db = () => f.hub.runtime.deps.database.db;

  /** Waits (without flushing by hand) until the flusher has stored every record in `ids`; returns those missing. */
  const missingRecords = async (ids: string[]) => {
    let stored = new Set<string>();
    for (let i = 0; i < 50 && stored.size < ids.length; i++) {
      if (i > 0) await Bun.sleep(200);
      stored = new Set((await db().select({ id: usageRecords.id }).from(usageRecords).where(inArray(usageRecords.id, ids))).map((r) => r.id));
    }
    return ids.filter((id) => !stored.has(id));
  };

  test("the hub says it runs on a Redis Cluster and is ready", async () => {
    expect(f.hub.runtime.deps.config.redisClusterNodes).toEqual(cluster.nodes);
    expect((await f.hub.request("/ready")).status).toBe(200);
  });

  test("300 concurrent calls on a key limited to 50/min: exactly 50 succeed, and each one's record reaches PostgreSQL", async () => {
    const { token, user } = await registerUser(f.hub);
    const { key } = await createKey(f.hub, token, { rate_limit: 50 });
    const responses = await Promise.all(Array.from({ length: 300 }, () => f.post(chat("hi"), key)));
    const statuses = responses.map((r) => r.status);
    expect(count(statuses, 200)).toBe(50);
    expect(count(statuses, 429)).toBe(250);
    const limited = responses.find((r) => r.status === 429)!;
    expect(((await limited.json()) as { error: { message: string } }).error.message).toBe("Rate limit exceeded. Maximum 50 requests per minute.");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const delivered = responses.filter((r) => r.status === 200).map((r) => r.headers.get("x-request-id")!);
    await Promise.all(responses.map((r) => (r.bodyUsed ? null : r.arrayBuffer())));
    expect(await missingRecords(delivered)).toEqual([]);
    const me = (await (await f.hub.request("/api/v1/auth/me", { token })).json()) as { quota_used: number };
    expect(me.quota_used).toBe(50);
    const records = await db().select().from(usageRecords).where(eq(usageRecords.userId, user.id));
    expect(records.filter((r) => r.status === 200)).toHaveLength(50);
  });

  test("300 concurrent calls with 100 requests of quota left: exactly 100 succeed and 200 get 402", async () => {
    const { token, user } = await registerUser(f.hub);
    await db().update(users).set({ monthlyQuota: 100, rateLimitCeiling: 10_000 }).where(eq(users.id, user.id));
    f.hub.runtime.deps.onUserChanged(user.id);
    const { key } = await createKey(f.hub, token, { rate_limit: 10_000 });
    const statuses = await Promise.all(Array.from({ length: 300 }, () => f.post(chat("hi"), key).then(async (r) => (await r.arrayBuffer(), r.status))));
    expect(count(statuses, 200)).toBe(100);
    expect(count(statuses, 402)).toBe(200);
    await f.hub.runtime.flushUsage();
    const [stored] = await db().select().from(quotaUsage).where(eq(quotaUsage.userId, user.id));
    expect(stored!.used).toBe(100);
    const records = await db().select().from(usageRecords).where(eq(usageRecords.userId, user.id));
    expect(records).toHaveLength(300);
    expect(records.filter((r) => r.countsQuota)).toHaveLength(100);
  });

  test("users on many shards at once: each gets exactly its limit and every delivered call is stored", async () => {
    const accounts = await Promise.all(Array.from({ length: 12 }, async () => {
      const { token, user } = await registerUser(f.hub);
      return { user, key: (await createKey(f.hub, token, { rate_limit: 7 })).key };
    }));
    expect(new Set(accounts.map((a) => a.user.id % USER_SHARDS)).size).toBeGreaterThan(6);
    const results = await Promise.all(accounts.flatMap((a) => Array.from({ length: 20 }, async () => {
      const r = await f.post(chat("spread", { stream: true }), a.key);
      const text = await r.text();
      return { user: a.user.id, status: r.status, id: r.headers.get("x-request-id")!, done: text.trimEnd().endsWith("data: [DONE]") };
    })));
    for (const a of accounts) expect(results.filter((r) => r.user === a.user.id && r.status === 200)).toHaveLength(7);
    const delivered = results.filter((r) => r.status === 200 && r.done).map((r) => r.id);
    expect(delivered).toHaveLength(12 * 7);
    expect(await missingRecords(delivered)).toEqual([]);
  });

  test("a key revoked on one hub is refused at once by another hub sharing the cluster", async () => {
    const prefix = f.hub.runtime.deps.config.redisPrefix;
    const other = await createTestHub({ backend: "postgres", redis: { clusterNodes: cluster.nodes }, env: { REDIS_PREFIX: prefix, UPSTREAM_BASE_URL: f.upstream.url, UPSTREAM_API_KEY: "sk-upstream-secret", UPSTREAM_MODELS: "fake-model" } });
    try {
      const { token } = await registerUser(f.hub);
      const created = await createKey(f.hub, token, { rate_limit: 50 });
      const viaOther = () => other.request("/v1/chat/completions", { method: "POST", token: created.key, json: chat("hi") });
      // The other hub now holds the key in its cache.
      expect((await viaOther()).status).toBe(200);
      expect((await f.hub.request(`/api/v1/developer/api-keys/${created.id}`, { method: "DELETE", token })).status).toBe(204);
      let status = 0;
      for (let i = 0; i < 20 && status !== 401; i++) {
        if (i > 0) await Bun.sleep(50);
        status = (await viaOther()).status;
      }
      expect(status).toBe(401);
    } finally {
      await other.close();
    }
  });

  // Last: it wipes the cluster's data.
  test("when the whole cluster goes down calls get 503 uncharged, and once it is back the hub heals with quotas rebuilt from PostgreSQL", async () => {
    const { token, user } = await registerUser(f.hub);
    const { key } = await createKey(f.hub, token, { rate_limit: 50 });
    for (let i = 0; i < 3; i++) expect((await f.post(chat("before"), key)).status).toBe(200);
    await f.hub.runtime.flushUsage();
    await cluster.down();
    try {
      const refused = await f.post(chat("during"), key);
      expect(refused.status).toBe(503);
      expect((await f.hub.request("/ready")).status).toBe(503);
    } finally {
      await cluster.up();
    }
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      if (i > 0) await Bun.sleep(100);
      status = (await f.post(chat("after"), key)).status;
    }
    expect(status).toBe(200);
    const usage = (await (await f.hub.request("/api/v1/developer/usage/current", { token })).json()) as { quota_used: number };
    expect(usage.quota_used).toBe(4);
    await f.hub.runtime.flushUsage();
    const records = await db().select().from(usageRecords).where(eq(usageRecords.userId, user.id));
    expect(records.filter((r) => r.status === 200)).toHaveLength(4);
    expect((await f.hub.request("/ready")).status).toBe(200);
  }, 30_000);
});
