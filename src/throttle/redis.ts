// Redis throttle buckets shared by every hub instance: one Lua script per decision, so check and add are atomic.
import { type RedisCommands, redisKeys, scriptRunner } from "../redis/mod.ts";
import { type Reservation, type ThrottleRule, type ThrottleStore } from "./store.ts";

/**
 * KEYS: the bucket (a sorted set of token → time ms). ARGV: limit, window ms, backoff ms (0: none), token,
 * member (0/1: a member already present is admitted again and re-timed), now ms ("": the server's TIME).
 * Returns {1, 0} when admitted, {0, retry ms} when refused; mirrors memory.ts.
 */
export const RESERVE_SCRIPT = `
local now = tonumber(ARGV[6])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local limit, window, backoff, token = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if not (ARGV[5] == '1' and redis.call('ZSCORE', KEYS[1], token)) then
  local count = redis.call('ZCARD', KEYS[1])
  if count >= limit then
    local retry_at = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]) + window
    if backoff <= 0 then return {0, retry_at - now} end
    local next_at = tonumber(redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')[2]) + math.min(backoff * 2 ^ (count - limit), window)
    if now < next_at then return {0, math.min(retry_at, next_at) - now} end
  end
end
redis.call('ZADD', KEYS[1], now, token)
redis.call('PEXPIRE', KEYS[1], window)
return {1, 0}
`;

/** Creates the Redis ThrottleStore on `redis` under `prefix`; the connection stays the caller's to close. */
export function createRedisThrottleStore(redis: RedisCommands, options: { prefix: string; now?: () => number }): ThrottleStore {
  const { throttleBucket: bucketKey, knownDevice: knownKey } = redisKeys(options.prefix);
  const run = scriptRunner(redis, RESERVE_SCRIPT);

  return {
    kind: "redis",
    async reserve(bucket: string, rule: ThrottleRule, { member }: { member?: string } = {}): Promise<Reservation> {
      const token = member ?? crypto.randomUUID();
      const now = options.now ? String(options.now()) : "";
      const args = [String(rule.limit), String(rule.windowMs), String(rule.backoffMs ?? 0), token, member === undefined ? "0" : "1", now];
      const [allowed, retryMs] = (await run([bucketKey(bucket)], args)) as [number, number];
      return allowed === 1 ? { allowed: true, token } : { allowed: false, retryAfterSec: Math.max(1, Math.ceil(retryMs / 1000)) };
    },
    async release(bucket, token) {
      await redis.send("ZREM", [bucketKey(bucket), token]);
    },
    async remember(key, ttlMs) {
      await redis.send("SET", [knownKey(key), "1", "PX", String(ttlMs)]);
    },
    async remembers(key) {
      return Number(await redis.send("EXISTS", [knownKey(key)])) === 1;
    },
    async close() {},
  };
}
