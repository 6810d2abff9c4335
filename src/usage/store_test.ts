// The usage batch writer on PGlite (a prepared statement fed one escaped literal) stores records exactly as given.
import { afterAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { apiKeys, usageRecords, users } from "../db/schema/mod.ts";
import { closeTestDatabases, testDatabase } from "../testing/databases.ts";
import type { UsageRecord } from "./record.ts";
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
