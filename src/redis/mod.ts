// Redis: connections (node-redis for streams and pub/sub, Bun's client for the hot path), key names, scripts.
export { connectRedis, isCluster, publish, RedisUnreachableError, subscribe } from "./client.ts";
export type { Redis, RedisTarget } from "./client.ts";
export { connectFastRedis, connectFastRedisCluster } from "./fast_client.ts";
export type { RedisCommands } from "./fast_client.ts";
export { redisKeys, USER_SHARDS } from "./keys.ts";
export type { RedisKeys } from "./keys.ts";
export { scriptRunner } from "./script.ts";
export { slotOf } from "./slot.ts";
