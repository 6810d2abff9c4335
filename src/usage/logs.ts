// The request log: one user's calls with their filters, newest first, paged by (created_at, id); and one call's detail.
import { and, desc, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/mod.ts";
import { apiKeys, usageDaily, usageRecords } from "../db/schema/mod.ts";

export type StatusClass = "2xx" | "4xx" | "5xx";

/** What narrows the log: a key, a model, a status class and a [from, to) time range. */
export interface LogFilters {
  keyId?: number;
  model?: string;
  status?: StatusClass;
  from?: Date;
  to?: Date;
}

/** Where a page ends: the last row's created_at (as PostgreSQL's microsecond text, so no row is skipped) and id. */
/** What a usage record id can look like (the request id a call was answered with): word characters and dashes. */
const RECORD_ID = /^[\w-]{1,64}$/;

export interface LogCursor {
  createdAt: string;
  id: string;
}

const STATUS_RANGES: Record<StatusClass, [number, number]> = { "2xx": [200, 300], "4xx": [400, 500], "5xx": [500, 600] };

const columns = {
  id: usageRecords.id,
  createdAt: usageRecords.createdAt,
  // The exact timestamp for the next page's cursor: a JS Date would drop the microseconds.
  cursorAt: sql<string>`to_char(${usageRecords.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
  endpoint: usageRecords.endpoint,
  model: usageRecords.model,
  upstream: usageRecords.upstream,
  upstreamModel: usageRecords.upstreamModel,
  attempts: usageRecords.attempts,
  status: usageRecords.status,
  outcome: usageRecords.outcome,
  promptTokens: usageRecords.promptTokens,
  completionTokens: usageRecords.completionTokens,
  tokensEstimated: usageRecords.tokensEstimated,
  cost: usageRecords.cost,
  latencyMs: usageRecords.latencyMs,
  ttfbMs: usageRecords.ttfbMs,
  stream: usageRecords.stream,
  error: usageRecords.error,
  keyId: usageRecords.apiKeyId,
  keyName: apiKeys.name,
  keyPrefix: apiKeys.keyPrefix,
};

export type LogEntry = NonNullable<Awaited<ReturnType<typeof requestLogEntry>>>;

/**
 * One page of the user's calls matching `filters`, newest first, and the cursor of the next (older) page if there is one.
 * Reads through the (user_id, created_at) index; the other filters are checked on the rows it walks.
 */
export async function requestLog(db: Db, userId: number, options: { filters?: LogFilters; before?: LogCursor; limit?: number } = {}) {
  const { filters = {}, before } = options;
  const limit = options.limit ?? 50;
  const where: SQL[] = [eq(usageRecords.userId, userId)];
  if (filters.keyId !== undefined) where.push(eq(usageRecords.apiKeyId, filters.keyId));
  if (filters.model) where.push(eq(usageRecords.model, filters.model));
  if (filters.status) {
    const [low, high] = STATUS_RANGES[filters.status];
    // Literals, not parameters: the planner must see that 4xx/5xx imply `status >= 400` to use the failed-calls index.
    where.push(sql`${usageRecords.status} >= ${sql.raw(String(low))}`, sql`${usageRecords.status} < ${sql.raw(String(high))}`);
  }
  if (filters.from) where.push(gte(usageRecords.createdAt, filters.from));
  if (filters.to) where.push(lt(usageRecords.createdAt, filters.to));
  if (before) {
    // The plain bound lets the (user_id, created_at) index start at the cursor; the row comparison breaks ties by id.
    where.push(sql`${usageRecords.createdAt} <= ${before.createdAt}::timestamptz`);
    where.push(sql`(${usageRecords.createdAt}, ${usageRecords.id}) < (${before.createdAt}::timestamptz, ${before.id})`);
  }
  // One row more than the page tells whether an older page exists.
  const rows = await db.select(columns).from(usageRecords).innerJoin(apiKeys, eq(apiKeys.id, usageRecords.apiKeyId))
    .where(and(...where)).orderBy(desc(usageRecords.createdAt), desc(usageRecords.id)).limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, next: rows.length > limit && last ? { createdAt: last.cursorAt, id: last.id } : null };
}

/** One of the user's calls by its id (the X-Request-Id it was answered with); null when it is not theirs or not there. */
export async function requestLogEntry(db: Db, userId: number, id: string) {
  // Anything else names no call (and a NUL must not reach PostgreSQL, which refuses it with an error).
  if (!RECORD_ID.test(id)) return null;
  const rows = await db.select(columns).from(usageRecords).innerJoin(apiKeys, eq(apiKeys.id, usageRecords.apiKeyId))
    .where(and(eq(usageRecords.id, id), eq(usageRecords.userId, userId))).limit(1);
  return rows[0] ?? null;
}

/**
 * The last `limit` calls of one of the user's keys, newest first. The daily rollups say which recent days hold
 * them, so the log query starts at the earliest of those days instead of walking every call the user made
 * (a quiet key of a busy user would otherwise scan them all).
 */
export async function keyRecentCalls(db: Db, userId: number, keyId: number, options: { limit?: number } = {}) {
  const limit = options.limit ?? 10;
  const days = await db.select({ day: usageDaily.day, requests: sql<number>`sum(${usageDaily.requests})`.mapWith(Number) })
    .from(usageDaily).where(and(eq(usageDaily.userId, userId), eq(usageDaily.apiKeyId, keyId)))
    .groupBy(usageDaily.day).orderBy(desc(usageDaily.day)).limit(limit);
  if (days.length === 0) return [];
  let seen = 0;
  let from = days.at(-1)!.day;
  for (const d of days) {
    seen += d.requests;
    from = d.day;
    if (seen >= limit) break;
  }
  const log = await requestLog(db, userId, { filters: { keyId, from: new Date(`${String(from)}T00:00:00Z`) }, limit });
  return log.rows;
}
