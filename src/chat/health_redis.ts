// The Redis HealthStore: every hub instance skips the same cooling deployments and only one probes after a cooldown.
import { type RedisCommands, redisKeys, scriptRunner } from "../redis/mod.ts";
import type { DeploymentHealth, HealthStore } from "./health.ts";

// KEYS: failures hash, cooldowns hash. ARGV: id, threshold, cooldown ms, now ms.
const FAIL_SCRIPT = `
local id, threshold, cooldown, now = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local untilMs = tonumber(redis.call('HGET', KEYS[2], id) or '0')
if untilMs > now then return {tonumber(redis.call('HGET', KEYS[1], id) or '0'), untilMs} end
local failures = redis.call('HINCRBY', KEYS[1], id, 1)
if failures >= threshold then
  redis.call('HSET', KEYS[1], id, 0)
  redis.call('HSET', KEYS[2], id, now + cooldown)
  return {0, now + cooldown}
end
return {failures, untilMs}
`;

// KEYS: cooldowns hash. ARGV: id, cooldown ms, now ms. Returns 1 when the caller may call the deployment.
const PROBE_SCRIPT = `
local untilMs = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if untilMs == 0 then return 1 end
if untilMs > tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], tonumber(ARGV[3]) + tonumber(ARGV[2]))
return 1
`;

/** Creates the HealthStore shared through Redis under `prefix`. */
export function createRedisHealthStore(redis: RedisCommands, options: { prefix: string }): HealthStore {
  const names = redisKeys(options.prefix);
  const keys = [names.healthFailures, names.healthCooldowns];
  const fail = scriptRunner(redis, FAIL_SCRIPT);
  const probe = scriptRunner(redis, PROBE_SCRIPT);
  const numbers = (values: unknown) => (values as Array<string | null>).map((v) => Number(v ?? 0) || 0);
  return {
    async read(ids) {
      if (ids.length === 0) return [];
      const [failures, cooldowns] = await Promise.all([redis.send("HMGET", [names.healthFailures, ...ids]), redis.send("HMGET", [names.healthCooldowns, ...ids])]);
      const f = numbers(failures), c = numbers(cooldowns);
      return ids.map((_, i): DeploymentHealth => ({ failures: f[i]!, coolUntil: c[i]! }));
    },
    async fail(id, rule, now) {
      const [failures, coolUntil] = (await fail(keys, [id, String(rule.threshold), String(rule.cooldownMs), String(now)])) as number[];
      return { failures: Number(failures), coolUntil: Number(coolUntil) };
    },
    async succeed(id) {
      await Promise.all([redis.send("HDEL", [names.healthFailures, id]), redis.send("HDEL", [names.healthCooldowns, id])]);
    },
    async claimProbe(id, cooldownMs, now) {
      return Number(await probe([names.healthCooldowns], [id, String(cooldownMs), String(now)])) === 1;
    },
    async close() {},
  };
}
