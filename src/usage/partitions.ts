// Monthly partitions of usage_records: created ahead, strays in the default partition moved into their month,
// months past USAGE_RETENTION_DAYS dropped whole. Daily rollups (usage_daily) are another table and stay.
import { sql } from "drizzle-orm";
import { type Db, rowsOf } from "../db/mod.ts";

/** The transaction-scoped advisory lock one maintenance step runs under, so several hubs never do it twice at once. */
export const USAGE_MAINTENANCE_LOCK = 4242002;
const DEFAULT_PARTITION = "usage_records_default";
const MONTHLY = /^usage_records_(\d{4})_(\d{2})$/;

/** What one maintenance round did; `skipped`: another hub held the lock, so this one did nothing. */
export interface PartitionRound {
  created: string[];
  dropped: string[];
  /** Records moved out of the default partition into a month created for them. */
  moved: number;
  /** Records in the default partition older than the retention, deleted. */
  expired: number;
  skipped: boolean;
}

/** The first instant (UTC) of the month `offset` months after the month of `date`. */
export function monthStart(date: Date, offset = 0): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offset, 1));
}

/** The partition holding the month that starts at `month`: usage_records_YYYY_MM. */
export function partitionName(month: Date): string {
  return `usage_records_${month.getUTCFullYear()}_${String(month.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** An instant as a timestamptz literal (ISO 8601 in UTC: the same whatever the session's time zone). */
function bound(instant: Date): string {
  return `'${instant.toISOString()}'`;
}

/** The count a `select count(*)::int as n` statement returned. */
function countOf(result: unknown): number {
  return rowsOf<{ n: number }>(result)[0]?.n ?? 0;
}

/** The monthly partitions of usage_records, by name with the month each starts. */
export async function usagePartitions(db: Db): Promise<Map<string, Date>> {
  const rows = rowsOf<{ name: string }>(await db.execute(sql`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'usage_records'::regclass`));
  const months = new Map<string, Date>();
  for (const { name } of rows) {
    const match = MONTHLY.exec(name);
    if (match) months.set(name, new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1)));
  }
  return months;
}

/**
 * Runs `step` in a transaction holding the maintenance lock, if no other hub holds it; false when one did.
 * Transaction-scoped on purpose: a session lock would stay on whichever server connection PgBouncer lent us.
 */
async function underLock(db: Db, step: (tx: Db) => Promise<void>): Promise<boolean> {
  return await db.transaction(async (tx) => {
    const [got] = rowsOf<{ locked: boolean }>(await tx.execute(sql`select pg_try_advisory_xact_lock(${USAGE_MAINTENANCE_LOCK}) as locked`));
    if (!got?.locked) return false;
    // DDL on a partition waits for the parent's readers and writers, and they queue behind it: never for long.
    await tx.execute(sql`set local lock_timeout = '2s'`);
    await step(tx as unknown as Db);
    return true;
  });
}

/**
 * One maintenance round: this month's and next month's partitions exist, records that fell into the default partition
 * (their month had no partition) move into a month of their own unless expired or further ahead than next month, and
 * months wholly older than `retentionDays` (0: keep forever) are dropped. Each step is its own short transaction.
 */
export async function maintainUsagePartitions(db: Db, options: { retentionDays: number; now?: Date }): Promise<PartitionRound> {
  const now = options.now ?? new Date();
  const cutoff = options.retentionDays > 0 ? new Date(now.getTime() - options.retentionDays * 86_400_000) : null;
  const round: PartitionRound = { created: [], dropped: [], moved: 0, expired: 0, skipped: false };
  const existing = await usagePartitions(db);
  const expired = (month: Date) => cutoff !== null && monthStart(month, 1) <= cutoff;

  for (const [name, month] of existing) {
    if (!expired(month)) continue;
    const done = await underLock(db, async (tx) => {
      await tx.execute(sql.raw(`drop table if exists "${name}"`));
    });
    if (!done) return { ...round, skipped: true };
    round.dropped.push(name);
  }
  if (cutoff) {
    const done = await underLock(db, async (tx) => {
      round.expired = countOf(await tx.execute(sql.raw(`with gone as (delete from "${DEFAULT_PARTITION}" where created_at < ${bound(cutoff)} returning 1) select count(*)::int as n from gone`)));
    });
    if (!done) return { ...round, skipped: true };
  }

  const ahead = monthStart(now, 1);
  const wanted = new Map([monthStart(now), ahead].map((m) => [partitionName(m), m]));
  const strays = rowsOf<{ month: string }>(await db.execute(sql.raw(`select distinct to_char(date_trunc('month', created_at at time zone 'UTC'), 'YYYY-MM') as month from "${DEFAULT_PARTITION}" where created_at < ${bound(monthStart(now, 2))}`)));
  for (const { month } of strays) {
    const start = new Date(`${month}-01T00:00:00Z`);
    if (!expired(start)) wanted.set(partitionName(start), start);
  }
  for (const [name, month] of [...wanted].sort((a, b) => a[1].getTime() - b[1].getTime())) {
    if (existing.has(name)) continue;
    const done = await underLock(db, async (tx) => {
      const [present] = rowsOf(await tx.execute(sql`select 1 from pg_class where relname = ${name} and relkind = 'r'`));
      if (present) return;
      const from = bound(month);
      const to = bound(monthStart(month, 1));
      // The default partition must give up this month's rows before the month is attached, and no writer may put one
      // back in between: the whole table is locked for this step (rare: once a month, or for strays; no rows to move
      // in the usual case). A weaker lock is not enough: a write that began before the attach routes by the old
      // partition list and fails when it lands in the default partition (seen in partitions_test.ts).
      await tx.execute(sql.raw(`lock table usage_records in access exclusive mode`));
      await tx.execute(sql.raw(`create table "${name}" (like usage_records including defaults)`));
      round.moved += countOf(await tx.execute(sql.raw(`with moved as (delete from "${DEFAULT_PARTITION}" where created_at >= ${from} and created_at < ${to} returning *),
        copied as (insert into "${name}" select * from moved returning 1) select count(*)::int as n from copied`)));
      await tx.execute(sql.raw(`alter table usage_records attach partition "${name}" for values from (${from}) to (${to})`));
      round.created.push(name);
    });
    if (!done) return { ...round, skipped: true };
  }
  return round;
}
