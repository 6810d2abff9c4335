// Operators' view of accounts: search with keyset pagination, detail, and changes (plan, limits, status, role).
import { and, count, desc, eq, ilike, lt, or, type SQL, sql } from "drizzle-orm";
import { findUserById, isLastActiveAdmin, listSubscriptions, setUserPlan, type User, userView } from "../auth/mod.ts";
import type { Db } from "../db/mod.ts";
import { apiKeys, users } from "../db/schema/mod.ts";
import { keyView, listApiKeys } from "../keys/mod.ts";
import { type PlanName, type QuotaCounter, rateLimitCeiling } from "../plans/mod.ts";
import { currentUsage, usageHistory } from "../usage/mod.ts";
import type { AdminUserView, UserPatch } from "./model.ts";

export type Role = "user" | "admin";

/** True for admins. */
export function isAdmin(user: { role: string }): boolean {
  return user.role === "admin";
}

/** The user as operators see it: the public view plus role, limits and active keys. */
export async function adminUserView(limits: QuotaCounter, user: User, keysActive: number): Promise<AdminUserView> {
  return { ...(await userView(limits, user)), role: user.role === "admin" ? "admin" : "user", rate_limit_ceiling: rateLimitCeiling(user), custom_rate_limit_ceiling: user.rateLimitCeiling, keys_active: keysActive };
}

async function activeKeyCounts(db: Db, ids: number[]): Promise<Map<number, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ userId: apiKeys.userId, n: count() }).from(apiKeys)
    .where(and(eq(apiKeys.isActive, true), sql`${apiKeys.userId} in ${ids}`)).groupBy(apiKeys.userId);
  return new Map(rows.map((r) => [r.userId, Number(r.n)]));
}

export interface UserFilter {
  q?: string;
  plan?: string;
  status?: "active" | "disabled";
  role?: Role;
  cursor?: number;
  limit?: number;
}

/** Users newest first, filtered by email/name, plan, status and role; keyset pagination on id. */
export async function searchUsers(db: Db, limits: QuotaCounter, filter: UserFilter): Promise<{ users: AdminUserView[]; next_cursor: string | null }> {
  const limit = filter.limit ?? 50;
  const where: SQL[] = [];
  if (filter.q) {
    const like = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(or(ilike(users.email, like), ilike(users.fullName, like))!);
  }
  if (filter.plan) where.push(eq(users.plan, filter.plan));
  if (filter.status) where.push(eq(users.isActive, filter.status === "active"));
  if (filter.role) where.push(eq(users.role, filter.role));
  if (filter.cursor) where.push(lt(users.id, filter.cursor));
  const rows = await db.select().from(users).where(and(...where)).orderBy(desc(users.id)).limit(limit + 1);
  const page = rows.slice(0, limit);
  const keys = await activeKeyCounts(db, page.map((u) => u.id));
  return {
    users: await Promise.all(page.map((u) => adminUserView(limits, u, keys.get(u.id) ?? 0))),
    next_cursor: rows.length > limit ? String(page.at(-1)!.id) : null,
  };
}

/** A user with keys, this month's usage, 30 days of history and subscription history; null if unknown. */
export async function userDetail(db: Db, limits: QuotaCounter, id: number) {
  const user = await findUserById(db, id);
  if (!user) return null;
  const keys = await listApiKeys(db, id);
  const subscriptions = await listSubscriptions(db, id);
  return {
    user: await adminUserView(limits, user, keys.filter((k) => k.isActive).length),
    keys: keys.map(keyView),
    usage: await currentUsage(limits, user),
    history: await usageHistory(db, id, 30),
    subscriptions: subscriptions.reverse().map((s) => ({
      id: s.id, plan: s.plan, status: s.status, price: s.price, currency: s.currency, billing_cycle: s.billingCycle,
      current_period_start: s.currentPeriodStart.toISOString(), current_period_end: s.currentPeriodEnd.toISOString(), note: s.note,
    })),
  };
}

export type UserChange = { ok: true; user: User; before: Record<string, unknown>; after: Record<string, unknown> } | { ok: false; code: "not_found" | "last_admin"; message: string };

function snapshot(u: User): Record<string, unknown> {
  return { plan: u.plan, is_active: u.isActive, monthly_quota: u.monthlyQuota, rate_limit_ceiling: u.rateLimitCeiling, role: u.role };
}

/** The fields of `a` that differ in `b`, as [before, after]. */
function difference(a: Record<string, unknown>, b: Record<string, unknown>): [Record<string, unknown>, Record<string, unknown>] {
  const keys = Object.keys(b).filter((k) => a[k] !== b[k]);
  return [Object.fromEntries(keys.map((k) => [k, a[k]])), Object.fromEntries(keys.map((k) => [k, b[k]]))];
}

/** Applies an operator's change in one transaction. The last active admin can be neither demoted nor disabled. */
export async function changeUser(db: Db, id: number, patch: UserPatch): Promise<UserChange> {
  return await db.transaction(async (tx) => {
    const lastAdmin = await isLastActiveAdmin(tx, id);
    const rows = await tx.select().from(users).where(eq(users.id, id)).for("update");
    const user = rows[0];
    if (!user) return { ok: false, code: "not_found", message: "User not found" };
    if (lastAdmin && (patch.role === "user" || patch.is_active === false)) {
      return { ok: false, code: "last_admin", message: "Cannot demote or disable the last admin: promote another admin first" };
    }
    if (patch.plan !== undefined) {
      await setUserPlan(tx as unknown as Db, id, patch.plan as PlanName, { monthlyQuota: patch.monthly_quota, rateLimitCeiling: patch.rate_limit_ceiling ?? null });
    }
    const set: Partial<typeof users.$inferInsert> = {};
    if (patch.plan === undefined && patch.monthly_quota !== undefined) set.monthlyQuota = patch.monthly_quota;
    if (patch.plan === undefined && patch.rate_limit_ceiling !== undefined) set.rateLimitCeiling = patch.rate_limit_ceiling;
    if (patch.is_active !== undefined) set.isActive = patch.is_active;
    if (patch.role !== undefined) set.role = patch.role;
    if (Object.keys(set).length > 0) await tx.update(users).set({ ...set, updatedAt: new Date() }).where(eq(users.id, id));
    const after = (await tx.select().from(users).where(eq(users.id, id)))[0]!;
    const [b, a] = difference(snapshot(user), snapshot(after));
    return { ok: true, user: after, before: b, after: a };
  });
}

/** Makes the accounts named in ADMIN_EMAILS admins (those that exist); returns the emails promoted now. */
export async function promoteAdminEmails(db: Db, emails: readonly string[]): Promise<string[]> {
  if (emails.length === 0) return [];
  const rows = await db.update(users).set({ role: "admin", updatedAt: new Date() })
    .where(and(sql`${users.email} in ${emails}`, eq(users.role, "user"))).returning({ email: users.email });
  return rows.map((r) => r.email);
}
