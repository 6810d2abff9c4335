// Throttles: atomic sliding-window buckets (in-process and Redis) for logins and registrations.
export { createMemoryThrottleStore } from "./memory.ts";
export { createRedisThrottleStore } from "./redis.ts";
export type { Reservation, ThrottleRule, ThrottleStore } from "./store.ts";
