// The usage batch writer on PGlite (a prepared statement fed one escaped literal) stores records exactly as given.
import { afterAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { apiKeys, usageRecords, users } from "../db/schema/mod.ts";
import { closeTestDatabases, testDatabase } from "../testing/databases.ts";
import { storableText, type UsageRecord } from "./record.ts";
import { sqlLiteral, usageBatchWriter } from "./store.ts";

afterAll(() => closeTestDatabases());

describe("sqlLiteral()", () => {
  test("doubles quotes, and backslashes inside an E'' literal", () => {
    expect(sqlLiteral("it's")).toBe("'it''s'");
    expect(sqlLiteral("a\\b'c")).toBe("E'a\\\\b''c'");
  });
});

describe("usageBatchWriter() on PGlite", () => {
  test("stores quotes, backslashes, unicode and JSON escapes verbatim, twice-prepared safely, redelivery ignored", async () => {
    const database = await testDatabase("pglite");
    const [user] = await database.db.insert(users).values({ email: `store-${Date.now()}@example.com`, passwordHash: "x" }).returning();
    const [key] = await database.db.insert(apiKeys).values({ userId: user!.id, keyHash: `h-${Date.now()}`, keyPrefix: "p", name: "n" }).returning();
    const nasty = `it's a \\"test\\" \\\\ '); drop table users; -- ü ✓ \n\t`;
    const record: UsageRecord = { id: `store-${Date.now()}`, userId: user!.id, apiKeyId: key!.id, endpoint: "/v1/chat/completions", model: nasty, upstream: "u'\\", status: 502, outcome: "upstream_error", countsQuota: false, promptTokens: 1, completionTokens: 2, tokensEstimated: true, cost: 0.5, latencyMs: 3, ttfbMs: null, stream: false, error: nasty, createdAt: new Date().toISOString(), quotaPeriod: "2026-01-01" };
    await usageBatchWriter(database);
    const write = await usageBatchWriter(database);
    await write([record]);
    await write([JSON.stringify(record)]);
    const rows = await database.db.select().from(usageRecords).where(eq(usageRecords.id, record.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ model: nasty, error: nasty, upstream: "u'\\", status: 502 });
    expect((await database.db.select().from(apiKeys).where(eq(apiKeys.id, key!.id)))[0]!.totalRequests).toBe(1);
  }, 60_000);
});

describe("storableText()", () => {
  test("drops NUL, bounds the length, and never leaves half of a surrogate pair, even where the cut splits one", () => {
    expect(storableText("a\u0000b")).toBe("ab");
    expect(storableText(null)).toBeNull();
    const cut = storableText(`${"a".repeat(199)}😀`, 200)!;
    expect(cut.length).toBe(200);
    expect(cut.isWellFormed()).toBe(true);
    expect(storableText("\ud83d lone")!.isWellFormed()).toBe(true);
  });

  test("a record whose model name was cut inside an emoji is stored, not refused by the database", async () => {
    const database = await testDatabase("pglite");
    const [user] = await database.db.insert(users).values({ email: `cut-${Date.now()}@example.com`, passwordHash: "x" }).returning();
    const [key] = await database.db.insert(apiKeys).values({ userId: user!.id, keyHash: `cut-${Date.now()}`, keyPrefix: "p", name: "n" }).returning();
    const model = storableText(`${"m".repeat(199)}😀`, 200);
    const record: UsageRecord = { id: `cut-${Date.now()}`, userId: user!.id, apiKeyId: key!.id, endpoint: "/v1/chat/completions", model, upstream: null, status: 404, outcome: "model_not_found", countsQuota: false, promptTokens: 0, completionTokens: 0, tokensEstimated: false, cost: 0, latencyMs: 1, ttfbMs: null, stream: false, error: storableText(`${"e".repeat(999)}😀`), createdAt: new Date().toISOString(), quotaPeriod: "2026-01-01" };
    await (await usageBatchWriter(database))([record]);
    const rows = await database.db.select().from(usageRecords).where(eq(usageRecords.id, record.id));
    expect(rows[0]?.model).toBe(model);
  }, 60_000);
});
