// The flusher moves both entry shapes into PostgreSQL: batch entries {n, b} and the one-record entries {r}
// a hub of the previous release left in its own stream, and counts what is pending by records.
import { afterAll, expect, test } from "bun:test";
import { inArray } from "drizzle-orm";
import { apiKeys, usageRecords, users } from "../db/schema/mod.ts";
import { createLogger } from "../log.ts";
import { quotaPeriod } from "../plans/mod.ts";
import { connectRedis, redisKeys } from "../redis/mod.ts";
import { REDIS_URL, testDatabase } from "../testing/databases.ts";
import { startUsageFlusher } from "./flusher.ts";
import type { UsageRecord } from "./record.ts";

const redis = await connectRedis(REDIS_URL);
const prefix = `aihub-flusher-${process.pid}-${Date.now().toString(36)}`;
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(keys);
  await redis.close();
});

test("startUsageFlusher() stores batch entries and older one-record entries alike, and pending() counts records", async () => {
  const { db } = await testDatabase("postgres");
  const [user] = await db.insert(users).values({ email: `flusher${crypto.randomUUID()}@example.com`, passwordHash: "x" }).returning({ id: users.id });
  const [key] = await db.insert(apiKeys).values({ userId: user!.id, keyHash: crypto.randomUUID().replaceAll("-", ""), keyPrefix: "ai-hub-test", name: "flusher" }).returning({ id: apiKeys.id });
  const record = (): UsageRecord => ({
    id: crypto.randomUUID(), userId: user!.id, apiKeyId: key!.id, endpoint: "/v1/chat/completions", model: "m", upstream: "u", upstreamModel: "m", attempts: 1, status: 200, outcome: "ok",
    countsQuota: true, promptTokens: 3, completionTokens: 2, tokensEstimated: false, cost: 0, latencyMs: 1, ttfbMs: 1, stream: false, error: null, createdAt: new Date().toISOString(), quotaPeriod: quotaPeriod().key,
  });
  const batch = [record(), record(), record()];
  const single = record();
  // A hub before batching appended one record per entry to the stream the batches now leave alone.
  const names = redisKeys(prefix);
  const legacy = names.usageStreams.find((name) => name !== names.usageStreamOf(single.userId))!;
  await redis.xAdd(legacy, "*", { r: JSON.stringify(single) });
  await redis.xAdd(names.usageStreamOf(single.userId), "*", { n: "3", b: JSON.stringify(batch) });

  const flusher = await startUsageFlusher(redis, db, { consumer: "test", log: createLogger("silent"), prefix, pauseMs: 600_000 });
  try {
    await flusher.flushNow();
    const ids = [single, ...batch].map((r) => r.id);
    const stored = await db.select({ id: usageRecords.id, tokens: usageRecords.promptTokens }).from(usageRecords).where(inArray(usageRecords.id, ids));
    expect(stored.map((r) => r.id).sort()).toEqual([...ids].sort());
    for (const stream of names.usageStreams) expect(await redis.xLen(stream)).toBe(0);
    expect((await flusher.pending()).records).toBe(0);
  } finally {
    await flusher.stop();
  }
});

test("pending() counts the records in batch entries, not the entries", async () => {
  const { db } = await testDatabase("postgres");
  const otherPrefix = `${prefix}-pending`;
  const [stream] = redisKeys(otherPrefix).usageStreams as [string];
  const flusher = await startUsageFlusher(redis, db, { consumer: "test", log: createLogger("silent"), prefix: otherPrefix });
  await flusher.stop();
  // Entries no flusher reads (the one above stopped first): two batches and one older single record.
  await redis.xAdd(stream, "*", { n: "5", b: "[]" });
  await redis.xAdd(stream, "*", { r: "{}" });
  await redis.xAdd(stream, "*", { n: "2", b: "[]" });
  expect((await flusher.pending()).records).toBe(8);
});

test("stop() ends the flusher's pause between batches at once: a long USAGE_FLUSH_PAUSE_MS does not hold up shutdown", async () => {
  const { db } = await testDatabase("postgres");
  const [user] = await db.insert(users).values({ email: `flusher${crypto.randomUUID()}@example.com`, passwordHash: "x" }).returning({ id: users.id });
  const [key] = await db.insert(apiKeys).values({ userId: user!.id, keyHash: crypto.randomUUID().replaceAll("-", ""), keyPrefix: "ai-hub-test", name: "flusher" }).returning({ id: apiKeys.id });
  const pausePrefix = `${prefix}-pause`;
  const flusher = await startUsageFlusher(redis, db, { consumer: "test", log: createLogger("silent"), prefix: pausePrefix, pauseMs: 600_000 });
  const record: UsageRecord = {
    id: crypto.randomUUID(), userId: user!.id, apiKeyId: key!.id, endpoint: "/v1/chat/completions", model: "m", upstream: "u", upstreamModel: "m", attempts: 1, status: 200, outcome: "ok",
    countsQuota: true, promptTokens: 3, completionTokens: 2, tokensEstimated: false, cost: 0, latencyMs: 1, ttfbMs: 1, stream: false, error: null, createdAt: new Date().toISOString(), quotaPeriod: quotaPeriod().key,
  };
  // Added while the loop waits in its blocking read: the loop stores it, finds the batch part-full and pauses.
  await redis.xAdd(redisKeys(pausePrefix).usageStreamOf(user!.id), "*", { n: "1", b: JSON.stringify([record]) });
  for (let i = 0; i < 100 && (await db.select({ id: usageRecords.id }).from(usageRecords).where(inArray(usageRecords.id, [record.id]))).length === 0; i++) await Bun.sleep(50);
  const started = performance.now();
  await flusher.stop();
  expect(performance.now() - started).toBeLessThan(2_000);
  const keys = await redis.keys(`${pausePrefix}*`);
  if (keys.length > 0) await redis.del(keys);
}, 20_000);
