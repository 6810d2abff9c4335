// A Redis crash without persistence loses the usage stream; the hub's local journal still brings every
// delivered call's record into PostgreSQL.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, inArray, sql } from "drizzle-orm";
import { openPostgres, rowsOf } from "../db/mod.ts";
import { apiKeys, usageRecords, users } from "../db/schema/mod.ts";
import { createLogger } from "../log.ts";
import { quotaPeriod } from "../plans/mod.ts";
import { freshPostgresUrl, testDatabase } from "../testing/databases.ts";
import { type FakeUpstream, startFakeUpstream } from "../testing/fake_upstream.ts";
import { TEST_JWT_SECRET } from "../testing/harness.ts";
import { freePort } from "../testing/haproxy.ts";
import { call, type HubProcess, spawnHub } from "../testing/process.ts";
import { openUsageJournal, storedIdsQuery } from "./journal.ts";
import { SEGMENT_CHUNK_BYTES } from "./segment_lines.ts";
import type { UsageRecord } from "./record.ts";
import { writeUsageBatch } from "./store.ts";

/** A private redis-server without persistence (never the shared one): a SIGKILL loses everything it held. */
async function startRedis(port: number, dir: string) {
  const proc = Bun.spawn(["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdout: "ignore", stderr: "ignore" });
  for (let i = 0; i < 100 && proc.exitCode === null; i++) {
    const pong = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } }).then((s) => (s.end(), true), () => false);
    if (pong) return proc;
    await Bun.sleep(50);
  }
  proc.kill("SIGKILL");
  throw new Error(`redis-server did not start on port ${port}`);
}

let upstream: FakeUpstream;
let redis: ReturnType<typeof Bun.spawn> | null = null;
let hub: HubProcess | null = null;
const dir = mkdtempSync(join(tmpdir(), "aihub-redis-"));
beforeAll(() => {
  upstream = startFakeUpstream({ record: false });
});
afterAll(async () => {
  if (hub?.proc.exitCode === null) await hub.stop("SIGKILL");
  redis?.kill("SIGKILL");
  await redis?.exited;
  await upstream.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("records of delivered calls reach PostgreSQL although Redis crashed, empty, before the flusher ran", async () => {
  // A port the system just handed out and nothing holds (a random one could be a connection's or a server's).
  const port = freePort();
  redis = await startRedis(port, dir);
  const databaseUrl = await freshPostgresUrl();
  hub = await spawnHub({
    DATABASE_URL: databaseUrl,
    REDIS_URL: `redis://127.0.0.1:${port}`,
    JWT_SECRET: TEST_JWT_SECRET,
    UPSTREAM_BASE_URL: upstream.url,
    UPSTREAM_MODELS: "fake-model",
    // The flusher stores its first batch, then pauses for ten minutes: the rest wait in the stream.
    USAGE_FLUSH_PAUSE_MS: "600000",
    USAGE_JOURNAL_RECONCILE_MS: "3000",
  });
  const base = hub.base;
  const email = `journal${Math.random().toString(36).slice(2)}@example.com`;
  const { access_token: token } = await (await call(base, "/api/v1/auth/register", { json: { email, password: "journal-test-password" } })).json() as { access_token: string };
  const { key } = await (await call(base, "/api/v1/developer/api-keys", { token, json: { name: "journal" } })).json() as { key: string };
  const chat = (stream: boolean) => ({ model: "fake-model", messages: [{ role: "user", content: "hi" }], stream });
  await (await call(base, "/v1/chat/completions", { token: key, json: chat(false) })).text();
  await Bun.sleep(300);

  const delivered: string[] = [];
  await Promise.all(Array.from({ length: 40 }, async (_, i) => {
    const r = await call(base, "/v1/chat/completions", { token: key, json: chat(i % 2 === 0) });
    const text = await r.text();
    if (r.status === 200 && (i % 2 === 1 || text.trimEnd().endsWith("data: [DONE]"))) delivered.push(r.headers.get("x-request-id")!);
  }));
  expect(delivered).toHaveLength(40);

  const db = await openPostgres(databaseUrl, { max: 1 });
  try {
    const storedIds = async () => new Set((await db.db.select({ id: usageRecords.id }).from(usageRecords).where(inArray(usageRecords.id, delivered))).map((r) => r.id));
    // Unflushed: they sit in the Redis stream (and the journal) only.
    expect((await storedIds()).size).toBeLessThan(delivered.length);
    redis.kill("SIGKILL");
    await redis.exited;
    redis = await startRedis(port, dir);

    let stored = await storedIds();
    for (let i = 0; i < 60 && stored.size < delivered.length; i++) {
      await Bun.sleep(250);
      stored = await storedIds();
    }
    expect(delivered.filter((id) => !stored.has(id))).toEqual([]);
  } finally {
    await db.close();
  }
}, 60_000);

test("openUsageJournal() replays a dead hub's segment: stores what the database lacks, skips voided records and a torn line, deletes the file", async () => {
  const { db } = await testDatabase("postgres");
  const journalDir = mkdtempSync(join(tmpdir(), "aihub-journal-"));
  const [user] = await db.insert(users).values({ email: `journal${crypto.randomUUID()}@example.com`, passwordHash: "x" }).returning({ id: users.id });
  const [key] = await db.insert(apiKeys).values({ userId: user!.id, keyHash: crypto.randomUUID().replaceAll("-", ""), keyPrefix: "ai-hub-test", name: "journal" }).returning({ id: apiKeys.id });
  const record = (): UsageRecord => ({
    id: crypto.randomUUID(), userId: user!.id, apiKeyId: key!.id, endpoint: "/v1/chat/completions", model: "m", upstream: "u", status: 200, outcome: "ok",
    countsQuota: true, promptTokens: 1, completionTokens: 1, tokensEstimated: false, cost: 0, latencyMs: 1, ttfbMs: 1, stream: false, error: null, createdAt: new Date().toISOString(), quotaPeriod: quotaPeriod().key,
  });
  const [missing, present, voided, appended] = [record(), record(), record(), record()];
  await writeUsageBatch(db, [present]);
  // pid 4194305 is above Linux's pid_max: that hub is surely dead.
  const lines = [missing, present, voided].map((r) => JSON.stringify(r)).concat(JSON.stringify({ void: voided.id }), `{"id":"${crypto.randomUUID()}","userId`);
  writeFileSync(join(journalDir, "usage-4194305-dead-0.jsonl"), lines.join("\n"));
  const journal = await openUsageJournal(journalDir, db, { log: createLogger("silent"), reconcileAfterMs: 60_000 });
  try {
    // Claimed at once under this process's name, so another hub starting beside it (WORKERS > 1) leaves it alone.
    expect(readdirSync(journalDir)).toEqual([expect.stringMatching(new RegExp(`^usage-${process.pid}-[a-z0-9]+-0\\.jsonl$`))]);
    await journal.append(JSON.stringify(appended));
    await journal.reconcileNow();
    const ids = [missing, present, voided, appended].map((r) => r.id);
    const stored = new Set((await db.select({ id: usageRecords.id }).from(usageRecords).where(inArray(usageRecords.id, ids))).map((r) => r.id));
    expect([...stored].sort()).toEqual([missing.id, present.id, appended.id].sort());
    expect(readdirSync(journalDir)).toEqual([]);
  } finally {
    await journal.close();
    rmSync(journalDir, { recursive: true, force: true });
  }
});

test("openUsageJournal() reconciles a segment larger than one read: a void mark read a chunk after its record still voids it", async () => {
  const { db } = await testDatabase("postgres");
  const journalDir = mkdtempSync(join(tmpdir(), "aihub-journal-"));
  const [user] = await db.insert(users).values({ email: `journal${crypto.randomUUID()}@example.com`, passwordHash: "x" }).returning({ id: users.id });
  const [key] = await db.insert(apiKeys).values({ userId: user!.id, keyHash: crypto.randomUUID().replaceAll("-", ""), keyPrefix: "ai-hub-test", name: "journal" }).returning({ id: apiKeys.id });
  // ~1.5 MB of records: more than one chunk of SEGMENT_CHUNK_BYTES.
  const records = Array.from({ length: 3_000 }, (_, i): UsageRecord => ({
    id: crypto.randomUUID(), userId: user!.id, apiKeyId: key!.id, endpoint: "/v1/chat/completions", model: "m", upstream: "u", status: 502, outcome: "upstream_error",
    countsQuota: false, promptTokens: 1, completionTokens: 1, tokensEstimated: false, cost: 0, latencyMs: 1, ttfbMs: 1, stream: false, error: `上游失败 ${i} ${"x".repeat(300)}`, createdAt: new Date().toISOString(), quotaPeriod: quotaPeriod().key,
  }));
  const lines = records.map((r) => JSON.stringify(r));
  expect(lines.join("\n").length).toBeGreaterThan(SEGMENT_CHUNK_BYTES);
  await writeUsageBatch(db, lines.slice(0, 1_000));
  const voided = [records[10]!.id, records[1_500]!.id, records[2_999]!.id];
  writeFileSync(join(journalDir, "usage-4194305-dead-0.jsonl"), `${[...lines, lines[2_000]!, ...voided.map((id) => JSON.stringify({ void: id }))].join("\n")}\n`);
  const journal = await openUsageJournal(journalDir, db, { log: createLogger("silent"), reconcileAfterMs: 60_000 });
  try {
    await journal.reconcileNow();
    // The first 1,000 were stored already (one of them voided too late to matter: a void only stops a missing record).
    const stored = new Set((await db.select({ id: usageRecords.id }).from(usageRecords).where(eq(usageRecords.userId, user!.id))).map((r) => r.id));
    expect(stored.size).toBe(3_000 - 2);
    expect(voided.filter((id) => stored.has(id))).toEqual([records[10]!.id]);
    expect(readdirSync(journalDir)).toEqual([]);
  } finally {
    await journal.close();
    rmSync(journalDir, { recursive: true, force: true });
  }
}, 30_000);

for (const syncMs of [0, 50]) {
  test(`openUsageJournal({ syncMs: ${syncMs} }): an append resolves once its line is in the segment (a killed hub loses none of them)`, async () => {
    const { db } = await testDatabase("postgres");
    const journalDir = mkdtempSync(join(tmpdir(), "aihub-journal-"));
    const journal = await openUsageJournal(journalDir, db, { log: createLogger("silent"), reconcileAfterMs: 60_000, syncMs });
    try {
      const ids = Array.from({ length: 200 }, () => crypto.randomUUID());
      await Promise.all(ids.map((id) => journal.append(JSON.stringify({ id }))));
      // Read as another process would after this one died: whatever the kernel holds for the files.
      const written = readdirSync(journalDir).flatMap((name) => readFileSync(join(journalDir, name), "utf8").split("\n").filter(Boolean).map((line) => (JSON.parse(line) as { id: string }).id));
      expect(written.sort()).toEqual([...ids].sort());
    } finally {
      await journal.close().catch(() => {});
      rmSync(journalDir, { recursive: true, force: true });
    }
  });
}

test("storedIdsQuery() finds the stored ids through the primary key, not by scanning usage_records, even before the table has statistics", async () => {
  const { db } = await testDatabase("postgres");
  const [user] = await db.insert(users).values({ email: `journal${crypto.randomUUID()}@example.com`, passwordHash: "x" }).returning({ id: users.id });
  const [key] = await db.insert(apiKeys).values({ userId: user!.id, keyHash: crypto.randomUUID().replaceAll("-", ""), keyPrefix: "ai-hub-test", name: "journal" }).returning({ id: apiKeys.id });
  // 50,000 rows this month, never analysed: a month's new partition on a busy hub, or any partition where autovacuum is off.
  const stored = (await db.execute(sql`insert into usage_records (id, user_id, api_key_id, endpoint, status, outcome, created_at)
    select gen_random_uuid()::text, ${user!.id}, ${key!.id}, '/v1/chat/completions', 200, 'ok', now() from generate_series(1, 50000) returning id`)) as unknown;
  const storedIds = rowsOf<{ id: string }>(stored).map((r) => r.id);
  const ids = [...storedIds.slice(0, 500), ...Array.from({ length: 500 }, () => crypto.randomUUID())];

  const query = storedIdsQuery(ids);
  const found = rowsOf<{ id: string }>(await db.execute(query)).map((r) => r.id);
  expect(found.sort()).toEqual(storedIds.slice(0, 500).sort());
  // The plan's scans (its other lines quote the 1,000 ids).
  const scans = rowsOf<{ "QUERY PLAN": string }>(await db.execute(sql`explain ${query}`)).map((r) => r["QUERY PLAN"].trim()).filter((line) => line.includes("Scan"));
  // The partition holding the rows is probed through its primary key; a sequential scan would read all 50,000 rows per 1,000 ids.
  const month = new Date().toISOString().slice(0, 7).replace("-", "_");
  expect(scans.some((line) => line.includes(`Index Scan on usage_records_${month}_pkey`))).toBe(true);
  expect(scans.filter((line) => line.includes(`Seq Scan on usage_records_${month}`))).toEqual([]);
}, 30_000);
