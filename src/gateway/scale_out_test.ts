// Exact limits under concurrency, on one hub and across two hub processes sharing Redis (or a Redis Cluster)
// and PostgreSQL, and no lost usage record when a hub is killed with SIGKILL under load.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, inArray } from "drizzle-orm";
import { openPostgres } from "../db/mod.ts";
import { quotaUsage, usageRecords, users } from "../db/schema/mod.ts";
import { freshPostgresUrl, REDIS_URL } from "../testing/databases.ts";
import { type FakeUpstream, startFakeUpstream } from "../testing/fake_upstream.ts";
import { createKey, createTestHub, registerUser } from "../testing/harness.ts";
import { call, type HubProcess, spawnHub } from "../testing/process.ts";
import { type RedisCluster, startRedisCluster } from "../testing/redis_cluster.ts";
import { TEST_JWT_SECRET } from "../testing/harness.ts";
import { quotaPeriod } from "../plans/mod.ts";

const chat = (content = "hi", stream = false) => ({ model: "fake-model", messages: [{ role: "user", content }], stream });

let upstream: FakeUpstream;
beforeAll(() => {
  upstream = startFakeUpstream({ record: false });
}, 60_000);
afterAll(() => upstream.stop());

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

for (const [name, backend, redis] of [["in-process limits", "pglite", false], ["Redis limits", "postgres", true]] as const) {
  describe(`exact limits on one hub with ${name}`, () => {
    test("300 concurrent calls on a key limited to 50/min: exactly 50 succeed and 250 get 429", async () => {
      const hub = await createTestHub({ backend, redis, env: { UPSTREAM_BASE_URL: upstream.url, UPSTREAM_MODELS: "fake-model" } });
      try {
        const { token } = await registerUser(hub);
        const { key } = await createKey(hub, token, { rate_limit: 50 });
        const responses = await Promise.all(Array.from({ length: 300 }, () => hub.request("/v1/chat/completions", { method: "POST", token: key, json: chat() })));
        const statuses = responses.map((r) => r.status);
        expect(count(statuses, 200)).toBe(50);
        expect(count(statuses, 429)).toBe(250);
        const limited = responses.find((r) => r.status === 429)!;
        expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
        expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");
        expect(((await limited.json()) as { error: { message: string; code: string } }).error).toMatchObject({ message: "Rate limit exceeded. Maximum 50 requests per minute.", code: "rate_limit_exceeded" });
        const me = await (await hub.request("/api/v1/auth/me", { token })).json() as { quota_used: number };
        expect(me.quota_used).toBe(50);
      } finally {
        await hub.close();
      }
    });

    test("300 concurrent calls with 100 requests of quota left: exactly 100 succeed and 200 get 402", async () => {
      const hub = await createTestHub({ backend, redis, env: { UPSTREAM_BASE_URL: upstream.url, UPSTREAM_MODELS: "fake-model" } });
      try {
        const { token, user } = await registerUser(hub);
        await hub.runtime.deps.database.db.update(users).set({ monthlyQuota: 100, rateLimitCeiling: 10_000 }).where(eq(users.id, user.id));
        const { key } = await createKey(hub, token, { rate_limit: 10_000 });
        const responses = await Promise.all(Array.from({ length: 300 }, () => hub.request("/v1/chat/completions", { method: "POST", token: key, json: chat() })));
        const statuses = responses.map((r) => r.status);
        expect(count(statuses, 200)).toBe(100);
        expect(count(statuses, 402)).toBe(200);
        const refused = responses.find((r) => r.status === 402)!;
        expect(((await refused.json()) as { error: { message: string; type: string } }).error).toMatchObject({ message: "Quota exceeded. Used 100/100 requests this month.", type: "insufficient_quota" });
        expect(refused.headers.get("x-quota-remaining")).toBe("0");
        await hub.runtime.flushUsage();
        const [stored] = await hub.runtime.deps.database.db.select().from(quotaUsage).where(eq(quotaUsage.userId, user.id));
        expect(stored!.used).toBe(100);
        const records = await hub.runtime.deps.database.db.select().from(usageRecords).where(eq(usageRecords.userId, user.id));
        expect(records).toHaveLength(300);
        expect(records.filter((r) => r.countsQuota)).toHaveLength(100);
      } finally {
        await hub.close();
      }
    });
  });
}

for (const onCluster of [false, true]) describe(`two hub processes sharing ${onCluster ? "a 3-master Redis Cluster (REDIS_CLUSTER_NODES)" : "Redis"} and PostgreSQL`, () => {
  let databaseUrl: string;
  let hubs: HubProcess[] = [];
  let cluster: RedisCluster | null = null;
  const prefix = `aihub-scale-${process.pid}-${Date.now().toString(36)}`;
  const env = () => ({
    DATABASE_URL: databaseUrl, ...(cluster ? { REDIS_CLUSTER_NODES: cluster.nodes.join(",") } : { REDIS_URL }), REDIS_PREFIX: prefix,
    JWT_SECRET: TEST_JWT_SECRET, UPSTREAM_BASE_URL: upstream.url, UPSTREAM_MODELS: "fake-model", USAGE_CLAIM_IDLE_MS: "1000",
  });

  beforeAll(async () => {
    if (onCluster) cluster = await startRedisCluster();
    databaseUrl = await freshPostgresUrl();
    hubs = [await spawnHub(env()), await spawnHub(env())];
  }, 60_000);
  afterAll(async () => {
    for (const hub of hubs) if (hub.proc.exitCode === null) await hub.stop("SIGKILL");
    await cluster?.stop();
  });

  async function userWithKey(base: string, options: { rateLimit: number; quota?: number }) {
    const email = `scale${Math.random().toString(36).slice(2)}@example.com`;
    const { access_token } = await (await call(base, "/api/v1/auth/register", { json: { email, password: "scale-out-password" } })).json() as { access_token: string };
    const db = await openPostgres(databaseUrl, { max: 1 });
    try {
      await db.db.update(users).set({ rateLimitCeiling: 100_000, ...(options.quota ? { monthlyQuota: options.quota } : {}) }).where(eq(users.email, email));
    } finally {
      await db.close();
    }
    const key = await (await call(base, "/api/v1/developer/api-keys", { token: access_token, json: { name: "scale", rate_limit: options.rateLimit } })).json() as { key: string };
    return { token: access_token, key: key.key, email };
  }

  test("300 concurrent calls split across both: exactly 50 pass a 50/min key", async () => {
    const { key } = await userWithKey(hubs[0]!.base, { rateLimit: 50 });
    const statuses = await Promise.all(Array.from({ length: 300 }, (_, i) => call(hubs[i % 2]!.base, "/v1/chat/completions", { token: key, json: chat() }).then((r) => r.status)));
    expect(count(statuses, 200)).toBe(50);
    expect(count(statuses, 429)).toBe(250);
  });

  test("300 concurrent calls split across both: exactly 100 pass with 100 requests of quota left", async () => {
    const { key, token } = await userWithKey(hubs[0]!.base, { rateLimit: 10_000, quota: 100 });
    const statuses = await Promise.all(Array.from({ length: 300 }, (_, i) => call(hubs[i % 2]!.base, "/v1/chat/completions", { token: key, json: chat() }).then((r) => r.status)));
    expect(count(statuses, 200)).toBe(100);
    expect(count(statuses, 402)).toBe(200);
    const usage = await (await call(hubs[1]!.base, "/api/v1/developer/usage/current", { token })).json() as { quota_used: number; quota_remaining: number };
    expect(usage).toMatchObject({ quota_used: 100, quota_remaining: 0 });
  });

  test("SIGKILL of one hub under load loses no record of a delivered response", async () => {
    const { key, email } = await userWithKey(hubs[0]!.base, { rateLimit: 100_000 });
    const delivered: string[] = [];
    let stop = false;
    const worker = async (i: number) => {
      while (!stop) {
        const stream = i % 2 === 0;
        try {
          const r = await call(hubs[0]!.base, "/v1/chat/completions", { token: key, json: chat("load", stream) });
          const text = await r.text();
          const complete = r.status === 200 && (stream ? text.trimEnd().endsWith("data: [DONE]") : JSON.parse(text).choices?.length === 1);
          if (complete) delivered.push(r.headers.get("x-request-id")!);
        } catch {
          return;
        }
      }
    };
    const workers = Array.from({ length: 16 }, (_, i) => worker(i));
    await Bun.sleep(1500);
    await hubs[0]!.stop("SIGKILL");
    stop = true;
    await Promise.all(workers);
    expect(delivered.length).toBeGreaterThan(50);

    // The surviving hub claims what the dead one left in the stream.
    const db = await openPostgres(databaseUrl, { max: 2 });
    try {
      let stored = new Set<string>();
      for (let i = 0; i < 100; i++) {
        const rows = await db.db.select({ id: usageRecords.id }).from(usageRecords).where(inArray(usageRecords.id, delivered));
        stored = new Set(rows.map((r) => r.id));
        if (stored.size === delivered.length) break;
        await Bun.sleep(200);
      }
      expect(delivered.filter((id) => !stored.has(id))).toEqual([]);
      const [user] = await db.db.select().from(users).where(eq(users.email, email));
      const charged = await db.db.select({ id: usageRecords.id }).from(usageRecords).where(eq(usageRecords.userId, user!.id));
      const [quota] = await db.db.select().from(quotaUsage).where(eq(quotaUsage.userId, user!.id));
      const ok = (await db.db.select().from(usageRecords).where(eq(usageRecords.userId, user!.id))).filter((r) => r.countsQuota).length;
      expect(quota!.used).toBe(ok);
      expect(ok).toBeGreaterThanOrEqual(delivered.length);
      expect(charged.length).toBeGreaterThanOrEqual(delivered.length);
      expect(quota!.periodStart).toBe(quotaPeriod().key);
    } finally {
      await db.close();
    }
  }, 60_000);
});
