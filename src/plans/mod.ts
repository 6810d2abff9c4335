// Plans, their limits and the quota period.
export { isPlanName, PLANS, planOf, quotaPeriod, quotaRemaining, rateLimitCeiling } from "./plans.ts";
export type { Plan, PlanName, QuotaCounter } from "./plans.ts";
