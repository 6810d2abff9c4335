// Writes usage records, their daily rollups, key counters and the quota counter in one transaction.
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/mod.ts";
import { apiKeys, quotaUsage, usageDaily, usageRecords } from "../db/schema/mod.ts";
import type { UsageRecord } from "../limits/mod.ts";
import { quotaPeriod } from "../plans/mod.ts";

/** True when a record consumed quota for good (a successful chat call). */
export function chargesQuota(record: UsageRecord): boolean {
  return record.countsQuota && record.outcome === "ok";
}

/**
 * Inserts records not yet stored (ids make redelivery harmless) and adds only those to the rollups,
 * key counters and quota counters. Returns how many were new.
 */
export async function writeUsageBatch(db: Db, records: UsageRecord[]): Promise<number> {
  if (records.length === 0) return 0;
  return await db.transaction(async (tx) => {
    const inserted = await tx.insert(usageRecords).values(records.map((r) => ({ ...r, createdAt: new Date(r.createdAt) })))
      .onConflictDoNothing({ target: usageRecords.id })
      .returning({ id: usageRecords.id });
    const fresh = new Set(inserted.map((r) => r.id));
    const added = records.filter((r) => fresh.has(r.id));
    if (added.length === 0) return 0;

    const daily = new Map<string, { userId: number; day: string; apiKeyId: number; model: string; requests: number; successful: number; promptTokens: number; completionTokens: number; cost: number }>();
    const quota = new Map<string, { userId: number; periodStart: string; used: number }>();
    const keys = new Map<number, { count: number; last: string }>();
    for (const r of added) {
      const day = r.createdAt.slice(0, 10);
      const model = r.model ?? "";
      const id = `${r.userId}|${day}|${r.apiKeyId}|${model}`;
      const row = daily.get(id) ?? { userId: r.userId, day, apiKeyId: r.apiKeyId, model, requests: 0, successful: 0, promptTokens: 0, completionTokens: 0, cost: 0 };
      row.requests++;
      if (r.outcome === "ok") row.successful++;
      row.promptTokens += r.promptTokens;
      row.completionTokens += r.completionTokens;
      row.cost += r.cost;
      daily.set(id, row);
      if (chargesQuota(r)) {
        const periodStart = quotaPeriod(new Date(r.createdAt)).key;
        const q = quota.get(`${r.userId}|${periodStart}`) ?? { userId: r.userId, periodStart, used: 0 };
        q.used++;
        quota.set(`${r.userId}|${periodStart}`, q);
      }
      const k = keys.get(r.apiKeyId) ?? { count: 0, last: r.createdAt };
      k.count++;
      if (r.createdAt > k.last) k.last = r.createdAt;
      keys.set(r.apiKeyId, k);
    }
    // Sorted so that concurrent flushers take row locks in the same order and cannot deadlock.
    const dailyRows = [...daily.values()].sort((a, b) => a.userId - b.userId || a.day.localeCompare(b.day) || a.apiKeyId - b.apiKeyId || a.model.localeCompare(b.model));
    await tx.insert(usageDaily).values(dailyRows).onConflictDoUpdate({
      target: [usageDaily.userId, usageDaily.day, usageDaily.apiKeyId, usageDaily.model],
      set: {
        requests: sql`${usageDaily.requests} + excluded.requests`,
        successful: sql`${usageDaily.successful} + excluded.successful`,
        promptTokens: sql`${usageDaily.promptTokens} + excluded.prompt_tokens`,
        completionTokens: sql`${usageDaily.completionTokens} + excluded.completion_tokens`,
        cost: sql`${usageDaily.cost} + excluded.cost`,
      },
    });
    const quotaRows = [...quota.values()].sort((a, b) => a.userId - b.userId || a.periodStart.localeCompare(b.periodStart));
    if (quotaRows.length > 0) {
      await tx.insert(quotaUsage).values(quotaRows).onConflictDoUpdate({
        target: [quotaUsage.userId, quotaUsage.periodStart],
        set: { used: sql`${quotaUsage.used} + excluded.used` },
      });
    }
    for (const [keyId, k] of [...keys.entries()].sort((a, b) => a[0] - b[0])) {
      await tx.update(apiKeys).set({
        totalRequests: sql`${apiKeys.totalRequests} + ${k.count}`,
        lastUsedAt: sql`greatest(${apiKeys.lastUsedAt}, ${new Date(k.last).toISOString()}::timestamptz)`,
      }).where(eq(apiKeys.id, keyId));
    }
    return added.length;
  });
}

/** Quota used by a user in a period, as the database knows it (the source of truth). */
export async function storedQuotaUsed(db: Db, userId: number, periodKey: string): Promise<number> {
  const rows = await db.select({ used: quotaUsage.used }).from(quotaUsage)
    .where(and(eq(quotaUsage.userId, userId), eq(quotaUsage.periodStart, periodKey)));
  return rows[0]?.used ?? 0;
}

/** Records with these ids that are stored (for tests and the durability check). */
export async function storedRecordIds(db: Db, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.select({ id: usageRecords.id }).from(usageRecords).where(inArray(usageRecords.id, ids));
  return new Set(rows.map((r) => r.id));
}
