// Plans, their limits and the quota period.
export { isPlanName, PLANS, planOf, quotaPeriod, rateLimitCeiling } from "./plans.ts";
export type { Plan, PlanName } from "./plans.ts";
