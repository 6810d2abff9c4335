// Notices that must go out once: quota at 80 % and 100 % per period, keys expiring in 7 and 1 days, revoked keys.
// "Once" across instances and concurrent calls is a unique row in `notices`: only the insert that wins sends.
import { and, eq, gt, lte } from "drizzle-orm";
import type { Db } from "../db/mod.ts";
import { apiKeys, notices, users } from "../db/schema/mod.ts";
import type { Logger } from "../log.ts";
import type { Mailer } from "../mail/mod.ts";
import { emitEvent } from "../webhooks/mod.ts";

export const QUOTA_THRESHOLDS = [80, 100] as const;
export const EXPIRY_NOTICE_DAYS = [7, 1] as const;

export interface AlertDeps {
  db: Db;
  mailer: Mailer;
  log: Logger;
  publicUrl: string;
  /** Wakes this instance's webhook sender. */
  wakeWebhooks(): void;
}

/** A quota admission: the quota used after the admitted call. */
export interface QuotaAdmitted {
  userId: number;
  used: number;
  limit: number;
  periodKey: string;
}

/** Inserts the notice `id`; true only for the one caller whose insert created it. */
export async function claimNotice(db: Db, id: string): Promise<boolean> {
  const rows = await db.insert(notices).values({ id }).onConflictDoNothing().returning({ id: notices.id });
  return rows.length > 0;
}

/** The threshold (percent) the call that brought the quota to `used` crossed, or null. */
export function crossedThreshold(used: number, limit: number): number | null {
  // The store hands out each count to one admitted call, so only the call reaching the mark exactly crosses it.
  for (const percent of QUOTA_THRESHOLDS) if (limit > 0 && used === Math.ceil((limit * percent) / 100)) return percent;
  return null;
}

/** After an admitted chat call: mails and emits quota.threshold when this call crossed 80 % or 100 %, once per period. */
export async function quotaAdmitted(deps: AlertDeps, event: QuotaAdmitted): Promise<void> {
  const percent = crossedThreshold(event.used, event.limit);
  if (percent === null) return;
  if (!(await claimNotice(deps.db, `quota:${event.userId}:${event.periodKey}:${percent}`))) return;
  const [user] = await deps.db.select().from(users).where(eq(users.id, event.userId)).limit(1);
  if (!user || user.deletedAt) return;
  await deps.mailer.send(user.email, user.lang, { kind: "quota_threshold", percent, used: event.used, limit: event.limit, url: `${deps.publicUrl}/dashboard/usage` });
  const data = { threshold: percent, quota_used: event.used, quota_limit: event.limit, period_start: event.periodKey };
  if (await emitEvent(deps.db, user.id, "quota.threshold", data)) deps.wakeWebhooks();
}

/** Emits key.revoked for the key with `keyHash`. */
export async function keyRevoked(deps: AlertDeps, keyHash: string): Promise<void> {
  const [key] = await deps.db.select().from(apiKeys).where(eq(apiKeys.keyHash, keyHash)).limit(1);
  if (!key || !(await claimNotice(deps.db, `key-revoked:${key.id}`))) return;
  const data = { key_id: key.id, name: key.name, key_prefix: key.keyPrefix, revoked_at: (key.revokedAt ?? new Date()).toISOString() };
  if (await emitEvent(deps.db, key.userId, "key.revoked", data)) deps.wakeWebhooks();
}

/** Emits key.expiring for active keys 7 days and 1 day before they expire; returns how many notices went out. */
export async function sweepExpiringKeys(deps: AlertDeps, now = new Date()): Promise<number> {
  const horizon = new Date(now.getTime() + EXPIRY_NOTICE_DAYS[0] * 86_400_000);
  const keys = await deps.db.select().from(apiKeys).where(and(eq(apiKeys.isActive, true), gt(apiKeys.expiresAt, now), lte(apiKeys.expiresAt, horizon)));
  let sent = 0;
  for (const key of keys) {
    const left = key.expiresAt!.getTime() - now.getTime();
    const days = left <= 86_400_000 ? 1 : 7;
    if (!(await claimNotice(deps.db, `key-expiring:${key.id}:${days}`))) continue;
    sent += await emitEvent(deps.db, key.userId, "key.expiring", { key_id: key.id, name: key.name, key_prefix: key.keyPrefix, expires_at: key.expiresAt!.toISOString(), days });
  }
  if (sent) deps.wakeWebhooks();
  return sent;
}
