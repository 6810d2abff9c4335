// Limits: the LimitStore (atomic admit of rate limit + quota, settle) with in-process and Redis implementations.
export { createMemoryLimitStore } from "./memory.ts";
export { createRedisLimitStore } from "./redis.ts";
export { RATE_WINDOW_MS } from "./store.ts";
export type { Admission, AdmitRequest, LimitHeaders, LimitStore, QuotaLoader } from "./store.ts";
