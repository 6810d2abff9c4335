// Limits: the LimitStore interface with its in-process and Redis implementations.
export { createMemoryLimitStore } from "./memory.ts";
export { connectRedis, createRedisLimitStore, redisKeys } from "./redis.ts";
export type { Redis } from "./redis.ts";
export { RATE_WINDOW_MS } from "./limiter.ts";
export type { Admission, AdmitRequest, LimitHeaders, LimitStore, QuotaLoader, UsageRecord } from "./limiter.ts";
export { connectFastRedis } from "./fast_redis.ts";
export type { RedisCommands } from "./fast_redis.ts";
