// The plans (seeded from CONTRACT.md's table, then read from the database: store.ts) and the quota period they share.

export type PlanName = "free" | "pro" | "enterprise";

export interface Plan {
  name: PlanName;
  monthlyQuota: number;
  priceUsd: number;
  maxActiveKeys: number;
  /** Default and ceiling of a key's requests per minute. */
  rateLimit: number;
}

export const PLAN_NAMES: readonly PlanName[] = ["free", "pro", "enterprise"];

/** The contract's table: what the database is seeded with. */
export const SEED_PLANS: Readonly<Record<PlanName, Readonly<Plan>>> = Object.freeze({
  free: { name: "free", monthlyQuota: 10_000, priceUsd: 0, maxActiveKeys: 5, rateLimit: 60 },
  pro: { name: "pro", monthlyQuota: 100_000, priceUsd: 29, maxActiveKeys: 20, rateLimit: 600 },
  enterprise: { name: "enterprise", monthlyQuota: 1_000_000, priceUsd: 299, maxActiveKeys: 20, rateLimit: 6_000 },
});

// The live table: updated in place from the database (store.ts) when an operator changes a plan, so every reader
// (key limits, max keys, new subscriptions) sees the change without holding a reference to a new object.
export const PLANS: Readonly<Record<PlanName, Readonly<Plan>>> = {
  free: { ...SEED_PLANS.free },
  pro: { ...SEED_PLANS.pro },
  enterprise: { ...SEED_PLANS.enterprise },
};

/** Replaces the live values of a plan (store.ts calls it after reading the database). */
export function applyPlan(plan: Plan): void {
  Object.assign(PLANS[plan.name] as Plan, plan);
}

/** True when `name` is one of the plans. */
export function isPlanName(name: string): name is PlanName {
  return Object.hasOwn(PLANS, name);
}

/** The plan named `name`, falling back to free for unknown names. */
export function planOf(name: string): Plan {
  return isPlanName(name) ? PLANS[name] : PLANS.free;
}

/** The highest per-key rate limit a user may set: an operator's custom ceiling, else the plan's default. */
export function rateLimitCeiling(user: { plan: string; rateLimitCeiling: number | null }): number {
  return user.rateLimitCeiling ?? planOf(user.plan).rateLimit;
}

/** The quota period containing `now`: the calendar month in UTC, as [start, next month's start). */
export function quotaPeriod(now: Date = new Date()): { start: Date; end: Date; key: string } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { start, end, key: start.toISOString().slice(0, 10) };
}

/** Requests left of `limit` after `used` (never negative). */
export function quotaRemaining(limit: number, used: number): number {
  return Math.max(0, limit - used);
}

/** Reads a user's quota used in a period, reservations of calls in flight included (the limit store does). */
export interface QuotaCounter {
  quotaUsed(userId: number, periodKey: string): Promise<number>;
}
