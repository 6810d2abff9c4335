// Redis: connections (node-redis for streams and pub/sub, Bun's client for the hot path), key names, scripts.
export { connectRedis } from "./client.ts";
export type { Redis } from "./client.ts";
export { connectFastRedis } from "./fast_client.ts";
export type { RedisCommands } from "./fast_client.ts";
export { redisKeys } from "./keys.ts";
export type { RedisKeys } from "./keys.ts";
export { scriptRunner } from "./script.ts";
