// Usage read from the daily rollups: current quota, daily history, and per-key / per-model breakdowns.
import { and, desc, eq, gte, lte, sql } from "drizzle-orm";
import type { Db } from "../db/mod.ts";
import { apiKeys, usageDaily, usageRecords } from "../db/schema/mod.ts";
import { quotaPeriod, quotaRemaining, type QuotaCounter } from "../plans/mod.ts";
import type { CurrentUsage } from "./model.ts";

/** The summed cost of the rows, rounded to a billionth of a dollar: sums of doubles otherwise read 0.00036700000000000003. */
export const costSum = () => sql<number>`round(coalesce(sum(${usageDaily.cost}), 0)::numeric, 9)::float8`.mapWith(Number);

/** This month's quota use, reservations of calls in flight included. */
export async function currentUsage(limits: QuotaCounter, user: { id: number; plan: string; monthlyQuota: number }, now = new Date()): Promise<CurrentUsage> {
  const period = quotaPeriod(now);
  const used = await limits.quotaUsed(user.id, period.key);
  const total = user.monthlyQuota;
  return {
    quota_used: used,
    quota_total: total,
    quota_remaining: quotaRemaining(total, used),
    quota_percentage: total === 0 ? 100 : Math.round((used / total) * 10_000) / 100,
    quota_reset_at: period.end.toISOString(),
    days_until_reset: Math.ceil((period.end.getTime() - now.getTime()) / 86_400_000),
    plan: user.plan,
  };
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The last `days` days (UTC, today included), every day present, zeros included. */
export async function usageHistory(db: Db, userId: number, days: number, now = new Date()) {
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const start = new Date(end.getTime() - (days - 1) * 86_400_000);
  const rows = await db.select({
    day: usageDaily.day,
    requests: sql<number>`sum(${usageDaily.requests})`.mapWith(Number),
    tokens: sql<number>`sum(${usageDaily.promptTokens} + ${usageDaily.completionTokens})`.mapWith(Number),
    cost: costSum(),
  }).from(usageDaily)
    .where(and(eq(usageDaily.userId, userId), gte(usageDaily.day, isoDay(start)), lte(usageDaily.day, isoDay(end))))
    .groupBy(usageDaily.day);
  const byDay = new Map(rows.map((r) => [String(r.day), r]));
  const daily = [];
  for (let t = start.getTime(); t <= end.getTime(); t += 86_400_000) {
    const day = isoDay(new Date(t));
    const row = byDay.get(day);
    daily.push({ date: day, requests: row?.requests ?? 0, tokens: row?.tokens ?? 0, cost: Math.round((row?.cost ?? 0) * 1e9) / 1e9 });
  }
  return {
    daily_usage: daily.map(({ date, requests, cost }) => ({ date, requests, cost })),
    daily_tokens: daily.map((d) => d.tokens),
    total_requests: daily.reduce((s, d) => s + d.requests, 0),
    total_cost: Math.round(daily.reduce((s, d) => s + d.cost, 0) * 1e9) / 1e9,
    period_start: start.toISOString(),
    period_end: new Date(end.getTime() + 86_400_000 - 1).toISOString(),
  };
}

/** One day of a usage chart: requests split by how they ended, tokens and cost split by model series. */
export interface SeriesDay {
  date: string;
  /** Calls that ended "ok". */
  ok: number;
  /** Every other call: refused (rate limit, quota, bad request) or failed (upstream, aborted). */
  errors: number;
  /** Per entry of `models`, in its order. */
  tokens: number[];
  cost: number[];
}

/** What the console's charts draw: every day of the window (UTC dates, zeros included) and the model series. */
export interface UsageSeries {
  days: SeriesDay[];
  /** The busiest models by tokens (then cost, then requests); `null` is the rest together ("other"). */
  models: Array<string | null>;
  totals: { requests: number; ok: number; errors: number; tokens: number; cost: number };
}

/**
 * The last `days` days (UTC, today included) of one user's usage, or of one of their keys, from the daily rollups
 * (one row per day, key and model: cheap at any number of records). Models beyond the `topModels` busiest are
 * summed into one "other" series.
 */
export async function usageSeries(db: Db, userId: number, days: number, options: { keyId?: number; now?: Date; topModels?: number } = {}): Promise<UsageSeries> {
  const now = options.now ?? new Date();
  const top = options.topModels ?? 4;
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const start = new Date(end.getTime() - (days - 1) * 86_400_000);
  const where = [eq(usageDaily.userId, userId), gte(usageDaily.day, isoDay(start)), lte(usageDaily.day, isoDay(end))];
  if (options.keyId !== undefined) where.push(eq(usageDaily.apiKeyId, options.keyId));
  const rows = await db.select({
    day: usageDaily.day,
    model: usageDaily.model,
    requests: sql<number>`sum(${usageDaily.requests})`.mapWith(Number),
    ok: sql<number>`sum(${usageDaily.successful})`.mapWith(Number),
    tokens: sql<number>`sum(${usageDaily.promptTokens} + ${usageDaily.completionTokens})`.mapWith(Number),
    cost: costSum(),
  }).from(usageDaily).where(and(...where)).groupBy(usageDaily.day, usageDaily.model);
  const byModel = new Map<string, { tokens: number; cost: number; requests: number }>();
  for (const r of rows) {
    const m = byModel.get(r.model) ?? { tokens: 0, cost: 0, requests: 0 };
    m.tokens += r.tokens;
    m.cost += r.cost;
    m.requests += r.requests;
    byModel.set(r.model, m);
  }
  // Calls that named no model (model lists, refusals before one was chosen) use no tokens: they join "other".
  const ranked = [...byModel].filter(([model, m]) => model !== "" && (m.tokens > 0 || m.cost > 0))
    .sort(([a, x], [b, y]) => y.tokens - x.tokens || y.cost - x.cost || y.requests - x.requests || (a < b ? -1 : 1))
    .map(([model]) => model);
  // "Other" only when it would hold more than one model: a single one is shown by its name.
  const named = ranked.length <= top + 1 ? ranked : ranked.slice(0, top);
  const rest = [...byModel].some(([model, m]) => !named.includes(model) && (m.tokens > 0 || m.cost > 0));
  const models: Array<string | null> = rest ? [...named, null] : named;
  const series = (model: string) => {
    const index = named.indexOf(model);
    return index >= 0 ? index : models.length - 1;
  };
  const byDay = new Map<string, SeriesDay>();
  for (let t = start.getTime(); t <= end.getTime(); t += 86_400_000) {
    const date = isoDay(new Date(t));
    byDay.set(date, { date, ok: 0, errors: 0, tokens: models.map(() => 0), cost: models.map(() => 0) });
  }
  for (const r of rows) {
    const day = byDay.get(String(r.day));
    if (!day) continue;
    day.ok += r.ok;
    day.errors += r.requests - r.ok;
    if (models.length > 0 && (r.tokens > 0 || r.cost > 0)) {
      const i = series(r.model);
      day.tokens[i]! += r.tokens;
      day.cost[i]! += r.cost;
    }
  }
  const list = [...byDay.values()];
  for (const day of list) day.cost = day.cost.map((c) => Math.round(c * 1e9) / 1e9);
  const sum = (f: (d: SeriesDay) => number) => list.reduce((s, d) => s + f(d), 0);
  return {
    days: list,
    models,
    totals: {
      requests: sum((d) => d.ok + d.errors),
      ok: sum((d) => d.ok),
      errors: sum((d) => d.errors),
      tokens: sum((d) => d.tokens.reduce((a, b) => a + b, 0)),
      cost: Math.round(sum((d) => d.cost.reduce((a, b) => a + b, 0)) * 1e9) / 1e9,
    },
  };
}

/** Per-key and per-model totals over the last `days` days. */
export async function usageBreakdown(db: Db, userId: number, days: number, now = new Date()) {
  const start = isoDay(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (days - 1) * 86_400_000));
  const where = and(eq(usageDaily.userId, userId), gte(usageDaily.day, start));
  const totals = {
    requests: sql<number>`sum(${usageDaily.requests})`.mapWith(Number),
    successful: sql<number>`sum(${usageDaily.successful})`.mapWith(Number),
    tokens: sql<number>`sum(${usageDaily.promptTokens} + ${usageDaily.completionTokens})`.mapWith(Number),
    cost: costSum(),
  };
  const byKey = await db.select({ keyId: usageDaily.apiKeyId, name: apiKeys.name, prefix: apiKeys.keyPrefix, ...totals })
    .from(usageDaily).innerJoin(apiKeys, eq(apiKeys.id, usageDaily.apiKeyId)).where(where)
    .groupBy(usageDaily.apiKeyId, apiKeys.name, apiKeys.keyPrefix).orderBy(desc(totals.requests));
  const byModel = await db.select({ model: usageDaily.model, ...totals }).from(usageDaily).where(where)
    .groupBy(usageDaily.model).orderBy(desc(totals.requests));
  return { byKey, byModel };
}

/** The user's most recent calls, newest first; `before` pages by (created_at, id), never OFFSET. */
export async function recentCalls(db: Db, userId: number, options: { limit?: number; before?: { createdAt: Date; id: string } } = {}) {
  const before = options.before;
  const rows = await db.select({
    id: usageRecords.id, createdAt: usageRecords.createdAt, endpoint: usageRecords.endpoint, model: usageRecords.model,
    status: usageRecords.status, outcome: usageRecords.outcome, promptTokens: usageRecords.promptTokens,
    completionTokens: usageRecords.completionTokens, tokensEstimated: usageRecords.tokensEstimated, cost: usageRecords.cost,
    latencyMs: usageRecords.latencyMs, ttfbMs: usageRecords.ttfbMs, stream: usageRecords.stream, keyName: apiKeys.name, keyPrefix: apiKeys.keyPrefix,
  }).from(usageRecords).innerJoin(apiKeys, eq(apiKeys.id, usageRecords.apiKeyId))
    .where(before
      ? and(eq(usageRecords.userId, userId), sql`(${usageRecords.createdAt}, ${usageRecords.id}) < (${before.createdAt.toISOString()}::timestamptz, ${before.id})`)
      : eq(usageRecords.userId, userId))
    .orderBy(desc(usageRecords.createdAt), desc(usageRecords.id)).limit(options.limit ?? 20);
  return rows;
}


/** Requests, tokens and cost since the start of this quota period, from the rollups. */
export async function monthTotals(db: Db, userId: number, now = new Date()) {
  const rows = await db.select({
    requests: sql<number>`coalesce(sum(${usageDaily.requests}), 0)`.mapWith(Number),
    tokens: sql<number>`coalesce(sum(${usageDaily.promptTokens} + ${usageDaily.completionTokens}), 0)`.mapWith(Number),
    cost: costSum(),
  }).from(usageDaily).where(and(eq(usageDaily.userId, userId), gte(usageDaily.day, quotaPeriod(now).key)));
  return rows[0] ?? { requests: 0, tokens: 0, cost: 0 };
}
