// Monthly usage partitions on PGlite and PostgreSQL: no record is ever lost for want of a partition, redeliveries
// count once wherever a record sits, retention drops whole months and leaves the daily rollups alone.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { type Database, migrate, openPostgres, rowsOf } from "../db/mod.ts";
import { MIGRATIONS_DIR } from "../db/migrate.ts";
import { apiKeys, usageDaily, usageRecords, users } from "../db/schema/mod.ts";
import { BACKENDS, closeTestDatabases, freshPostgresUrl, testDatabase } from "../testing/databases.ts";
import { maintainUsagePartitions, monthStart, partitionName, USAGE_MAINTENANCE_LOCK, usagePartitions } from "./partitions.ts";
import { requestLog } from "./logs.ts";
import type { UsageRecord } from "./record.ts";
import { usageBatchWriter } from "./store.ts";

afterAll(() => closeTestDatabases());

const DAY = 86_400_000;
let seq = 0;

async function account(database: Database) {
  const tag = `${Date.now().toString(36)}-${seq++}`;
  const [user] = await database.db.insert(users).values({ email: `partitions-${tag}@example.com`, passwordHash: "x" }).returning();
  const [key] = await database.db.insert(apiKeys).values({ userId: user!.id, keyHash: `partitions-${tag}`, keyPrefix: "p", name: "n" }).returning();
  return { userId: user!.id, apiKeyId: key!.id };
}

function record(owner: { userId: number; apiKeyId: number }, createdAt: Date): UsageRecord {
  return {
    id: `part-${Date.now().toString(36)}-${seq++}`, ...owner, endpoint: "/v1/chat/completions", model: "m", upstream: "u", status: 200, outcome: "ok",
    countsQuota: true, promptTokens: 3, completionTokens: 4, tokensEstimated: false, cost: 0.25, latencyMs: 5, ttfbMs: 1, stream: false, error: null,
    createdAt: createdAt.toISOString(), quotaPeriod: createdAt.toISOString().slice(0, 8) + "01",
  };
}

/** The partition a record sits in; null when it is not stored at all. */
async function partitionOf(database: Database, id: string): Promise<string | null> {
  const rows = rowsOf<{ part: string }>(await database.db.execute(sql`select tableoid::regclass::text as part from usage_records where id = ${id}`));
  return rows[0]?.part ?? null;
}

async function dailyOf(database: Database, userId: number) {
  return await database.db.select({ day: usageDaily.day, requests: usageDaily.requests, cost: usageDaily.cost }).from(usageDaily)
    .where(eq(usageDaily.userId, userId)).orderBy(usageDaily.day);
}

for (const backend of BACKENDS) {
  describe(`usage partitions on ${backend}`, () => {
    const now = new Date();
    // A month within the default 400 days, old enough that no other suite's records sit there.
    const kept = new Date(monthStart(now, -11).getTime() + 9 * DAY + 3_600_000);
    const farFuture = new Date("2099-03-15T12:00:00Z");
    let database: Database;
    let owner: { userId: number; apiKeyId: number };
    let oldRecord: UsageRecord;
    let futureRecord: UsageRecord;
    let todayRecord: UsageRecord;

    beforeAll(async () => {
      database = await testDatabase(backend);
      owner = await account(database);
    }, 60_000);

    test("a record whose month has no partition is stored (default partition) and a redelivery of it counts once", async () => {
      const write = await usageBatchWriter(database);
      const before = await usagePartitions(database.db);
      oldRecord = record(owner, kept);
      futureRecord = record(owner, farFuture);
      todayRecord = record(owner, now);
      await write([oldRecord, futureRecord, todayRecord]);
      await write([JSON.stringify(oldRecord), JSON.stringify(futureRecord), JSON.stringify(todayRecord)]);
      expect(await partitionOf(database, futureRecord.id)).toBe("usage_records_default");
      expect(await partitionOf(database, oldRecord.id)).toBe(before.has(partitionName(monthStart(kept))) ? partitionName(monthStart(kept)) : "usage_records_default");
      // The migration (or the hub's start) made this month's partition.
      expect(await partitionOf(database, todayRecord.id)).toBe(partitionName(monthStart(now)));
      const daily = await dailyOf(database, owner.userId);
      expect(daily.map((d) => [d.day, d.requests])).toEqual([[kept.toISOString().slice(0, 10), 1], [now.toISOString().slice(0, 10), 1], ["2099-03-15", 1]]);
      expect((await database.db.select().from(apiKeys).where(eq(apiKeys.id, owner.apiKeyId)))[0]!.totalRequests).toBe(3);
    });

    test("maintenance makes this month and the next, moves a kept month's strays into their own partition, leaves far-future ones in the default", async () => {
      const round = await maintainUsagePartitions(database.db, { retentionDays: 400 });
      expect(round.skipped).toBe(false);
      const partitions = await usagePartitions(database.db);
      for (const month of [monthStart(kept), monthStart(now), monthStart(now, 1)]) expect(partitions.has(partitionName(month))).toBe(true);
      expect(partitions.has(partitionName(monthStart(farFuture)))).toBe(false);
      expect(await partitionOf(database, oldRecord.id)).toBe(partitionName(monthStart(kept)));
      expect(await partitionOf(database, futureRecord.id)).toBe("usage_records_default");
      // Moved, and still recognised when the stream or the journal delivers it again.
      await (await usageBatchWriter(database))([oldRecord]);
      expect((await dailyOf(database, owner.userId)).map((d) => d.requests)).toEqual([1, 1, 1]);
      expect(await database.db.$count(usageRecords, eq(usageRecords.id, oldRecord.id))).toBe(1);
      // A second round has nothing left to do.
      expect(await maintainUsagePartitions(database.db, { retentionDays: 400 })).toMatchObject({ created: [], dropped: [], moved: 0 });
    });

    test("the request log pages newest first across months and the default partition", async () => {
      const pages: string[] = [];
      let before: { createdAt: string; id: string } | undefined;
      do {
        const page = await requestLog(database.db, owner.userId, { limit: 1, before });
        pages.push(...page.rows.map((r) => r.id));
        before = page.next ?? undefined;
      } while (before);
      expect(pages).toEqual([futureRecord.id, todayRecord.id, oldRecord.id]);
    });

    test("a short USAGE_RETENTION_DAYS drops whole expired months and expired strays; daily rollups stay", async () => {
      const ancient = record(owner, new Date("2001-06-01T00:00:00Z"));
      await (await usageBatchWriter(database))([ancient]);
      expect(await partitionOf(database, ancient.id)).toBe("usage_records_default");
      const rollups = await dailyOf(database, owner.userId);
      expect(rollups).toHaveLength(4);
      const round = await maintainUsagePartitions(database.db, { retentionDays: 30 });
      expect(round.dropped).toContain(partitionName(monthStart(kept)));
      expect(round.expired).toBeGreaterThanOrEqual(1);
      expect((await usagePartitions(database.db)).has(partitionName(monthStart(kept)))).toBe(false);
      expect(await partitionOf(database, oldRecord.id)).toBeNull();
      expect(await partitionOf(database, ancient.id)).toBeNull();
      // This month's and the far future's records are within the retention.
      expect(await partitionOf(database, todayRecord.id)).toBe(partitionName(monthStart(now)));
      expect(await partitionOf(database, futureRecord.id)).toBe("usage_records_default");
      expect(await dailyOf(database, owner.userId)).toEqual(rollups);
    });
  });
}

if (BACKENDS.includes("postgres")) {
  describe("usage partitions on PostgreSQL only", () => {
    test("a round finds another hub's round under way (its lock held) and does nothing", async () => {
      const database = await testDatabase("postgres");
      const { default: postgres } = await import("postgres");
      const other = postgres(database.url!, { max: 1, onnotice: () => {} });
      try {
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        let locked!: () => void;
        const holding = new Promise<void>((resolve) => (locked = resolve));
        const tx = other.begin(async (sql) => {
          await sql`select pg_advisory_xact_lock(${USAGE_MAINTENANCE_LOCK})`;
          locked();
          await released;
        });
        await holding;
        // A far-future "now": this round would have months to create, were it not skipped.
        const round = await maintainUsagePartitions(database.db, { retentionDays: 400, now: new Date("2090-01-15T00:00:00Z") });
        release();
        await tx;
        expect(round).toMatchObject({ skipped: true, created: [] });
        expect((await usagePartitions(database.db)).has("usage_records_2090_01")).toBe(false);
      } finally {
        await other.end();
      }
    });

    test("writers going on while a round creates months and moves strays lose and double nothing", async () => {
      const database = await testDatabase("postgres");
      const owner = await account(database);
      const write = await usageBatchWriter(database);
      // A "now" decades ahead (retention off): its months have no partition, so records written for them are strays.
      const later = new Date("2080-05-15T00:00:00Z");
      const dates = [new Date("2080-05-02T00:00:00Z"), new Date("2080-06-20T00:00:00Z"), new Date()];
      const batches = Array.from({ length: 12 }, (_, i) => Array.from({ length: 25 }, (_, j) => record(owner, new Date(dates[(i + j) % 3]!.getTime() + i * 60_000 + j))));
      await write(batches[0]!);
      const writing = Promise.all(batches.slice(1).map(async (batch, i) => {
        await Bun.sleep(i * 5);
        await write(batch);
        await write(batch);
      }));
      const round = await maintainUsagePartitions(database.db, { retentionDays: 0, now: later });
      await writing;
      expect(round.created).toEqual(["usage_records_2080_05", "usage_records_2080_06"]);
      const all = batches.flat();
      const stored = rowsOf<{ id: string; part: string }>(await database.db.execute(sql`select id, tableoid::regclass::text as part from usage_records where user_id = ${owner.userId}`));
      expect(stored.map((r) => r.id).sort()).toEqual(all.map((r) => r.id).sort());
      // Whatever landed after the round sits in its new month, not in the default partition.
      expect(stored.filter((r) => r.part === "usage_records_default")).toEqual([]);
      const daily = await dailyOf(database, owner.userId);
      expect(daily.reduce((sum, d) => sum + d.requests, 0)).toBe(all.length);
    });

    test("a query over one day of this month reads only this month's partition", async () => {
      const database = await testDatabase("postgres");
      const start = monthStart(new Date());
      const plan = rowsOf<{ "QUERY PLAN": string }>(await database.db.execute(sql`explain select id from usage_records
        where user_id = 1 and created_at >= ${start.toISOString()}::timestamptz and created_at < ${new Date(start.getTime() + DAY).toISOString()}::timestamptz
        order by created_at desc, id desc limit 50`)).map((r) => r["QUERY PLAN"]).join("\n");
      expect(plan).toContain(partitionName(start));
      expect(plan).not.toContain("usage_records_default");
      expect(plan).not.toContain(partitionName(monthStart(start, 1)));
    });

    test("migration 0006 turns an existing usage_records into monthly partitions and keeps every row", async () => {
      // The migrations up to 0005 in a folder of their own: the database as a hub before partitions left it.
      const folder = mkdtempSync(join(tmpdir(), "aihub-migrations-"));
      cpSync(MIGRATIONS_DIR, folder, { recursive: true });
      const journalPath = join(folder, "meta", "_journal.json");
      const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: Array<{ tag: string }> };
      journal.entries = journal.entries.filter((e) => e.tag < "0006");
      writeFileSync(journalPath, JSON.stringify(journal));
      const database = await openPostgres(await freshPostgresUrl(), { max: 2 });
      try {
        await migrate(database, { migrationsFolder: folder });
        const months = [new Date("2024-02-10T08:00:00Z"), new Date("2024-02-29T23:59:59.999Z"), new Date(Date.now() - 40 * DAY), new Date()];
        for (const [i, at] of months.entries()) {
          await database.db.execute(sql`insert into usage_records (id, user_id, api_key_id, endpoint, status, outcome, created_at, attempts)
            values (${`old-${i}`}, 1, 1, '/v1/chat/completions', 200, 'ok', ${at.toISOString()}::timestamptz, 1)`);
        }
        await migrate(database);
        const rows = rowsOf<{ id: string; part: string; at: Date | string }>(await database.db.execute(sql`select id, tableoid::regclass::text as part, created_at as at from usage_records order by id`));
        expect(rows.map((r) => [r.id, r.part])).toEqual(months.map((at, i) => [`old-${i}`, partitionName(monthStart(at))]));
        expect(rows.map((r) => new Date(r.at).toISOString())).toEqual(months.map((at) => at.toISOString()));
        const partitions = await usagePartitions(database.db);
        for (const month of [monthStart(new Date()), monthStart(new Date(), 1)]) expect(partitions.has(partitionName(month))).toBe(true);
        // The key holds created_at now; the indexes reach every partition.
        const indexes = rowsOf<{ indexname: string }>(await database.db.execute(sql`select indexname from pg_indexes where tablename = ${partitionName(monthStart(new Date()))}`));
        expect(indexes).toHaveLength(3);
        await database.db.execute(sql`insert into usage_records (id, user_id, api_key_id, endpoint, status, outcome, created_at) values ('old-0', 1, 1, 'e', 200, 'ok', '2024-02-10T08:00:00Z') on conflict (id, created_at) do nothing`);
        expect(await database.db.$count(usageRecords, eq(usageRecords.id, "old-0"))).toBe(1);
        // And the upkeep drops the expired months the migration carried over.
        const round = await maintainUsagePartitions(database.db, { retentionDays: 400 });
        expect(round.dropped).toEqual(["usage_records_2024_02"]);
        expect(await database.db.$count(usageRecords)).toBe(2);
      } finally {
        await database.close();
      }
    });
  });
}
