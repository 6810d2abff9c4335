// Hub-wide usage for operators, read from the daily rollups: per day, totals, top users, models and keys.
import { and, countDistinct, desc, eq, gte, lte, sql } from "drizzle-orm";
import type { Db } from "../db/mod.ts";
import { apiKeys, usageDaily, users } from "../db/schema/mod.ts";
import { costSum } from "../usage/mod.ts";

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

const TOKENS = sql<number>`coalesce(sum(${usageDaily.promptTokens} + ${usageDaily.completionTokens}), 0)`.mapWith(Number);
const REQUESTS = sql<number>`coalesce(sum(${usageDaily.requests}), 0)`.mapWith(Number);
const COST = costSum();
const ERRORS = sql<number>`coalesce(sum(${usageDaily.requests} - ${usageDaily.successful}), 0)`.mapWith(Number);

/** Totals of the days from `since` to `until` (inclusive). */
async function totalsBetween(db: Db, since: string, until: string) {
  const range = and(gte(usageDaily.day, since), lte(usageDaily.day, until));
  const [row] = await db.select({ requests: REQUESTS, tokens: TOKENS, cost: COST, errors: ERRORS, active_users: countDistinct(usageDaily.userId), active_keys: countDistinct(usageDaily.apiKeyId) })
    .from(usageDaily).where(range);
  const t = row ?? { requests: 0, tokens: 0, cost: 0, errors: 0, active_users: 0, active_keys: 0 };
  return { ...t, active_users: Number(t.active_users), active_keys: Number(t.active_keys), error_rate: t.requests === 0 ? 0 : Math.round((t.errors / t.requests) * 10_000) / 10_000 };
}

/** The last `days` days (UTC, today included, zeros included), totals, today and this month, top 10 users and models, top 10 keys this month. */
export async function adminUsage(db: Db, days: number, now = new Date()) {
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const start = new Date(end.getTime() - (days - 1) * 86_400_000);
  const range = and(gte(usageDaily.day, isoDay(start)), lte(usageDaily.day, isoDay(end)));
  const rows = await db.select({ day: usageDaily.day, requests: REQUESTS, tokens: TOKENS, cost: COST, errors: ERRORS }).from(usageDaily).where(range).groupBy(usageDaily.day);
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const daily = Array.from({ length: days }, (_, i) => {
    const date = isoDay(new Date(start.getTime() + i * 86_400_000));
    const r = byDay.get(date);
    return { date, requests: r?.requests ?? 0, tokens: r?.tokens ?? 0, cost: r?.cost ?? 0, errors: r?.errors ?? 0 };
  });
  const topUsers = await db.select({ user_id: usageDaily.userId, email: users.email, requests: REQUESTS, tokens: TOKENS, cost: COST })
    .from(usageDaily).innerJoin(users, eq(users.id, usageDaily.userId)).where(range)
    .groupBy(usageDaily.userId, users.email).orderBy(desc(REQUESTS)).limit(10);
  const topModels = await db.select({ model: usageDaily.model, requests: REQUESTS, tokens: TOKENS, cost: COST })
    .from(usageDaily).where(range).groupBy(usageDaily.model).orderBy(desc(REQUESTS)).limit(10);
  const monthStart = isoDay(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)));
  const topKeys = await db.select({ key_id: usageDaily.apiKeyId, name: apiKeys.name, key_prefix: apiKeys.keyPrefix, user_id: usageDaily.userId, email: users.email, requests: REQUESTS, tokens: TOKENS, cost: COST })
    .from(usageDaily).innerJoin(apiKeys, eq(apiKeys.id, usageDaily.apiKeyId)).innerJoin(users, eq(users.id, usageDaily.userId))
    .where(and(gte(usageDaily.day, monthStart), lte(usageDaily.day, isoDay(end))))
    .groupBy(usageDaily.apiKeyId, apiKeys.name, apiKeys.keyPrefix, usageDaily.userId, users.email).orderBy(desc(REQUESTS)).limit(10);
  return {
    daily,
    totals: await totalsBetween(db, isoDay(start), isoDay(end)),
    today: await totalsBetween(db, isoDay(end), isoDay(end)),
    month: await totalsBetween(db, monthStart, isoDay(end)),
    top_users: topUsers,
    top_models: topModels.map((m) => ({ ...m, model: m.model || "(none)" })),
    top_keys_month: topKeys,
  };
}
