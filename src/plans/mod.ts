// Plans, their limits and the quota period; plans live in the database (store.ts), read into a live table.
export { applyPlan, isPlanName, PLAN_NAMES, PLANS, planOf, quotaPeriod, quotaRemaining, rateLimitCeiling, SEED_PLANS } from "./plans.ts";
export type { Plan, PlanName, QuotaCounter } from "./plans.ts";
export { loadPlans, updatePlan } from "./store.ts";
export type { PlanChange } from "./store.ts";
