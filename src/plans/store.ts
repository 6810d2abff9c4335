// Plans in the database: seeded from the contract's table on first start, read into the live table, edited by admins.
import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/mod.ts";
import { plans } from "../db/schema/mod.ts";
import { applyPlan, type Plan, PLAN_NAMES, type PlanName, PLANS, SEED_PLANS } from "./plans.ts";

type PlanRow = typeof plans.$inferSelect;

function fromRow(row: PlanRow): Plan | null {
  if (!(PLAN_NAMES as readonly string[]).includes(row.name)) return null;
  return { name: row.name as PlanName, monthlyQuota: row.monthlyQuota, priceUsd: row.price, maxActiveKeys: row.maxKeys, rateLimit: row.defaultRateLimit };
}

/** Seeds missing plans and loads every plan into the live table; returns them. */
export async function loadPlans(db: Db): Promise<Plan[]> {
  await db.insert(plans).values(PLAN_NAMES.map((name) => {
    const p = SEED_PLANS[name];
    return { name, monthlyQuota: p.monthlyQuota, price: p.priceUsd, maxKeys: p.maxActiveKeys, defaultRateLimit: p.rateLimit };
  })).onConflictDoNothing();
  const rows = await db.select().from(plans);
  for (const row of rows) {
    const plan = fromRow(row);
    if (plan) applyPlan(plan);
  }
  return PLAN_NAMES.map((name) => ({ ...PLANS[name] }));
}

export interface PlanChange {
  monthlyQuota?: number;
  priceUsd?: number;
  maxActiveKeys?: number;
  rateLimit?: number;
}

/**
 * Changes a plan; users on it who had its old default quota follow the new one (custom quotas stay).
 * Returns the plan before and after, or null for an unknown plan.
 */
export async function updatePlan(db: Db, name: PlanName, change: PlanChange): Promise<{ before: Plan; after: Plan } | null> {
  return await db.transaction(async (tx) => {
    const rows = await tx.select().from(plans).where(eq(plans.name, name)).for("update");
    const before = rows[0] ? fromRow(rows[0]) : null;
    if (!before) return null;
    const after: Plan = { ...before, ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) };
    await tx.update(plans).set({ monthlyQuota: after.monthlyQuota, price: after.priceUsd, maxKeys: after.maxActiveKeys, defaultRateLimit: after.rateLimit, updatedAt: new Date() }).where(eq(plans.name, name));
    if (after.monthlyQuota !== before.monthlyQuota) {
      await tx.execute(sql`update users set monthly_quota = ${after.monthlyQuota}, updated_at = now() where plan = ${name} and monthly_quota = ${before.monthlyQuota}`);
    }
    applyPlan(after);
    return { before, after };
  });
}
