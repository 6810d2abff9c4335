// The users store: creation, look-up and the operator's plan and status changes.
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/mod.ts";
import { subscriptions, users } from "../db/schema/mod.ts";
import { type PlanName, PLANS, quotaPeriod } from "../plans/mod.ts";

export type User = typeof users.$inferSelect;

/** Lower-cases and trims an email, so uniqueness and log-in ignore case. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Finds a user by email (any case). */
export async function findUserByEmail(db: Db, email: string): Promise<User | null> {
  const rows = await db.select().from(users).where(eq(users.email, normalizeEmail(email))).limit(1);
  return rows[0] ?? null;
}

/** Finds a user by id. */
export async function findUserById(db: Db, id: number): Promise<User | null> {
  const rows = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return rows[0] ?? null;
}

/** Creates a free-plan user (an admin when `role` says so) with its first subscription; returns null if the email is taken. */
export async function createUser(db: Db, input: { email: string; passwordHash: string; fullName: string | null; lang?: string; role?: "user" | "admin" }): Promise<User | null> {
  return await db.transaction(async (tx) => {
    const rows = await tx.insert(users).values({
      email: normalizeEmail(input.email),
      passwordHash: input.passwordHash,
      fullName: input.fullName,
      lang: input.lang ?? "zh-CN",
      role: input.role ?? "user",
      plan: "free",
      monthlyQuota: PLANS.free.monthlyQuota,
    }).onConflictDoNothing({ target: users.email }).returning();
    const user = rows[0];
    if (!user) return null;
    await tx.insert(subscriptions).values(subscriptionFor(user.id, "free", new Date()));
    return user;
  });
}

function subscriptionFor(userId: number, plan: PlanName, now: Date) {
  const period = quotaPeriod(now);
  return {
    userId,
    plan,
    status: "active",
    price: PLANS[plan].priceUsd,
    currency: "USD",
    billingCycle: "monthly",
    startedAt: now,
    currentPeriodStart: period.start,
    currentPeriodEnd: period.end,
  };
}

/**
 * Moves a user to `plan`: cancels the active subscription, records the new one, and sets the quota
 * (an operator's custom quota and rate-limit ceiling when given).
 */
export async function setUserPlan(db: Db, userId: number, plan: PlanName, custom: { monthlyQuota?: number; rateLimitCeiling?: number | null } = {}): Promise<User | null> {
  const now = new Date();
  return await db.transaction(async (tx) => {
    const rows = await tx.update(users).set({
      plan,
      monthlyQuota: custom.monthlyQuota ?? PLANS[plan].monthlyQuota,
      rateLimitCeiling: custom.rateLimitCeiling === undefined ? null : custom.rateLimitCeiling,
      updatedAt: now,
    }).where(eq(users.id, userId)).returning();
    if (!rows[0]) return null;
    await tx.update(subscriptions).set({ status: "cancelled", cancelledAt: now })
      .where(and(eq(subscriptions.userId, userId), eq(subscriptions.status, "active")));
    await tx.insert(subscriptions).values({ ...subscriptionFor(userId, plan, now), note: custom.monthlyQuota || custom.rateLimitCeiling ? "custom limits" : null });
    return rows[0];
  });
}

/** Disables or re-enables a user. */
export async function setUserActive(db: Db, userId: number, isActive: boolean): Promise<User | null> {
  const rows = await db.update(users).set({ isActive, updatedAt: new Date() }).where(eq(users.id, userId)).returning();
  return rows[0] ?? null;
}

/**
 * True when user `id` is the only active admin, so demoting, disabling or deleting them would leave none. Run it in
 * the change's transaction: it locks the active admins' rows until the end, so two admins taking admin away from
 * each other at once cannot both succeed.
 */
export async function isLastActiveAdmin(tx: Db, id: number): Promise<boolean> {
  const admins = await tx.select({ id: users.id }).from(users).where(and(eq(users.role, "admin"), eq(users.isActive, true))).orderBy(users.id).for("update");
  return admins.length === 1 && admins[0]!.id === id;
}

/** The active subscription and history of a user, newest first. */
export async function listSubscriptions(db: Db, userId: number) {
  return await db.select().from(subscriptions).where(eq(subscriptions.userId, userId)).orderBy(subscriptions.id);
}
