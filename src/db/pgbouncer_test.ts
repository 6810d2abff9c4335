// The hub behind PgBouncer in transaction mode (Debian's, started by the test): migrations from several hubs at once,
// metered calls whose every usage record lands, the request log and usage pages, and partition retention.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { Visitor } from "../testing/console_visitor.ts";
import { closeTestDatabases, freshPostgresUrl, POSTGRES_ADMIN_URL } from "../testing/databases.ts";
import { chat, type GatewayFixture, openGatewayFixture } from "../testing/gateway_fixture.ts";
import { type Pgbouncer, startPgbouncer } from "../testing/pgbouncer.ts";
import { maintainUsagePartitions, monthStart, partitionName, usageBatchWriter, usagePartitions, type UsageRecord } from "../usage/mod.ts";
import { type Database, migrate, openPostgres, rowsOf } from "./mod.ts";
import { usageDaily } from "./schema/mod.ts";

const DAY = 86_400_000;

describe("behind PgBouncer in transaction mode", () => {
  let directUrl: string;
  let bouncer: Pgbouncer;
  let databases: Database[] = [];
  let f: GatewayFixture;

  beforeAll(async () => {
    directUrl = await freshPostgresUrl();
    // Fewer server connections than the hub's pool holds clients: consecutive statements of one client move between them.
    bouncer = await startPgbouncer(directUrl, { poolSize: 3 });
  }, 30_000);
  afterAll(async () => {
    await f?.close();
    for (const database of databases) await database.close().catch(() => {});
    await bouncer?.stop();
    await closeTestDatabases();
  });

  test("three hubs migrating at once all finish, migrate once, and leave no advisory lock on any server connection", async () => {
    databases = await Promise.all([1, 2, 3].map(() => openPostgres(bouncer.url, { max: 4, pooler: "transaction" })));
    await Promise.all(databases.map((database) => migrate(database)));
    const { default: postgres } = await import("postgres");
    const direct = postgres(POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
    try {
      const name = new URL(directUrl).pathname.slice(1);
      const [locks] = await direct`select count(*)::int as n from pg_locks l join pg_database d on d.oid = l.database where l.locktype = 'advisory' and d.datname = ${name}`;
      expect(locks!.n).toBe(0);
    } finally {
      await direct.end();
    }
    const applied = rowsOf<{ n: number }>(await databases[0]!.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`));
    expect(applied[0]!.n).toBe(7);
    expect((await usagePartitions(databases[0]!.db)).has(partitionName(monthStart(new Date())))).toBe(true);
  }, 30_000);

  test("every call made through the gateway (Redis limits) lands its one usage record; the log and usage pages read them", async () => {
    f = await openGatewayFixture({ name: "Redis limits on PostgreSQL through PgBouncer", backend: "postgres", redis: true }, { database: databases[0]!, env: { USAGE_RETENTION_DAYS: "30" } });
    const ids: string[] = [];
    for (let round = 0; round < 3; round++) {
      const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => f.post(chat(`call ${round}-${i}`, i % 4 === 0 ? { stream: true } : {}))));
      for (const response of responses) {
        expect(response.status).toBe(200);
        await response.text();
        ids.push(response.headers.get("x-request-id")!);
      }
    }
    const records = await f.recordsOf();
    expect(records.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(records.every((r) => r.status === 200 && r.promptTokens > 0)).toBe(true);
    expect(await f.quotaUsed()).toBe(60);

    const history = await (await f.hub.request("/api/v1/developer/usage/history?days=7", { token: f.token })).json() as { total_requests: number };
    expect(history.total_requests).toBe(60);
    const visitor = new Visitor(f.hub, "198.51.100.77");
    await visitor.open("/login");
    expect((await visitor.post("/login", { email: f.email, password: f.password })).status).toBe(303);
    // The log's first page (50 calls) and, through its keyset link, the rest: each call once.
    const first = await visitor.open("/dashboard/logs");
    const seen = [...first.matchAll(/href="\/dashboard\/logs\/([\w-]+)"/g)].map((m) => m[1]!);
    const next = /href="(\/dashboard\/logs\?[^"]*before=[^"]+)"/.exec(first)?.[1];
    expect(next).toBeDefined();
    const second = await visitor.open(next!.replaceAll("&amp;", "&"));
    seen.push(...[...second.matchAll(/href="\/dashboard\/logs\/([\w-]+)"/g)].map((m) => m[1]!));
    expect(seen.sort()).toEqual([...ids].sort());
    const usage = await visitor.send("/dashboard/usage?days=30");
    expect(usage.status).toBe(200);
    // The per-key and per-model tables (and the totals), from the daily rollups the batch writer kept.
    expect((await usage.text()).match(/<td class="num"[^>]*>60<\/td>/g)?.length).toBeGreaterThanOrEqual(2);
  }, 60_000);

  test("the hub's retention round (USAGE_RETENTION_DAYS=30) drops an old month's partition; rollups stay", async () => {
    const db = databases[0]!.db;
    const at = new Date(Date.now() - 100 * DAY);
    const apiKeyId = (await f.recordsOf())[0]!.apiKeyId;
    const old: UsageRecord = {
      id: `bouncer-old-${Date.now()}`, userId: f.userId, apiKeyId, endpoint: "/v1/chat/completions",
      model: "fake-model", upstream: "default", status: 200, outcome: "ok", countsQuota: false, promptTokens: 1, completionTokens: 1, tokensEstimated: false,
      cost: 0.5, latencyMs: 1, ttfbMs: null, stream: false, error: null, createdAt: at.toISOString(), quotaPeriod: at.toISOString().slice(0, 8) + "01",
    };
    await (await usageBatchWriter(databases[0]!))([old]);
    // Kept 400 days, the old month gets a partition of its own; then the hub, keeping 30, drops it.
    await maintainUsagePartitions(db, { retentionDays: 400 });
    const month = partitionName(monthStart(at));
    expect((await usagePartitions(db)).has(month)).toBe(true);
    const rollup = await db.select().from(usageDaily).where(eq(usageDaily.day, at.toISOString().slice(0, 10)));
    expect(rollup.find((r) => r.userId === f.userId)?.requests).toBe(1);
    const round = await f.hub.runtime.maintainUsage();
    expect(round.dropped).toContain(month);
    expect((await usagePartitions(db)).has(month)).toBe(false);
    expect(rowsOf(await db.execute(sql`select 1 from usage_records where id = ${old.id}`))).toHaveLength(0);
    expect(await db.select().from(usageDaily).where(eq(usageDaily.day, at.toISOString().slice(0, 10)))).toEqual(rollup);
    // This month's calls stay.
    expect(await f.recordsOf()).toHaveLength(60);
  });
});
