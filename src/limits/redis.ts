// Redis limits shared by every hub instance: one Lua script per decision, records appended to a stream.
import { createHash } from "node:crypto";
import type { RedisClientType } from "redis";
import { type Admission, type AdmitRequest, limitState, type LimitStore, type QuotaLoader, RATE_WINDOW_MS, secondsUntil, type UsageRecord } from "./limiter.ts";
import { createBatcher } from "./batcher.ts";
import type { RedisCommands } from "./fast_redis.ts";
import { ADMIT_SCRIPT, SETTLE_SCRIPT, THROTTLE_SCRIPT } from "./scripts.ts";

export type Redis = RedisClientType;

const QUOTA_TTL_SEC = 70 * 24 * 3600;

/** The names of the hub's Redis keys under a prefix. */
export function redisKeys(prefix: string) {
  return {
    usageStream: `${prefix}:usage`,
    invalidation: `${prefix}:invalidate`,
    quota: (userId: number, periodKey: string) => `${prefix}:quota:{${userId}}:${periodKey}`,
    rate: (keyId: number) => `${prefix}:rate:{${keyId}}`,
    throttle: (bucket: string) => `${prefix}:throttle:{${bucket}}`,
  };
}

/** Runs a script by SHA, loading it on the first NOSCRIPT (after a Redis restart or flush). */
export function scriptRunner(redis: RedisCommands, source: string) {
  const sha = createHash("sha1").update(source).digest("hex");
  return async (keys: string[], args: string[]): Promise<unknown> => {
    try {
      return await redis.send("EVALSHA", [sha, String(keys.length), ...keys, ...args]);
    } catch (error) {
      if (!String((error as Error).message).includes("NOSCRIPT")) throw error;
      return await redis.send("EVAL", [source, String(keys.length), ...keys, ...args]);
    }
  };
}

/** Creates the Redis LimitStore: exact across any number of hub instances. */
export function createRedisLimitStore(redis: RedisCommands, options: { loadQuota: QuotaLoader; prefix: string }): LimitStore {
  const names = redisKeys(options.prefix);
  const quotaKey = names.quota;
  const admitScript = scriptRunner(redis, ADMIT_SCRIPT);
  const settleScript = scriptRunner(redis, SETTLE_SCRIPT);
  const throttleScript = scriptRunner(redis, THROTTLE_SCRIPT);

  // Concurrent calls share round trips and script runs (group commit); each is decided as if alone.
  const admitOnce = createBatcher(async (batch: Array<{ request: AdmitRequest; seed: number }>) => {
    const keys: string[] = [];
    const args = [String(RATE_WINDOW_MS), String(QUOTA_TTL_SEC)];
    for (const { request, seed } of batch) {
      keys.push(names.rate(request.keyId), quotaKey(request.userId, request.period.key));
      args.push(String(request.rateLimit), String(request.quotaLimit), request.countsQuota ? "1" : "0", String(seed));
    }
    const flat = (await admitScript(keys, args)) as number[];
    return batch.map((_, i) => flat.slice(i * 5, i * 5 + 5));
  });
  const settleBatch = createBatcher(async (batch: Array<{ record: UsageRecord; refund: boolean; periodKey: string }>) => {
    await settleScript(
      [names.usageStream, ...batch.map((b) => quotaKey(b.record.userId, b.periodKey))],
      [...batch.map((b) => (b.refund ? "1" : "0")), ...batch.map((b) => JSON.stringify(b.record))],
    );
    return batch.map(() => undefined);
  });

  return {
    kind: "redis",
    async admit(request: AdmitRequest): Promise<Admission> {
      let reply = await admitOnce({ request, seed: -1 });
      if (reply[0] === -1) {
        // The counter is missing (new month, Redis restarted or flushed): rebuild it from the database.
        reply = await admitOnce({ request, seed: await options.loadQuota(request.userId, request.period.key) });
      }
      const [outcome, count, used, oldest, now] = reply as [number, number, number, number, number];
      const state = limitState(request, count, used, oldest);
      if (outcome === 0) return { allowed: false, reason: "rate_limited", state, retryAfterSec: secondsUntil(oldest + RATE_WINDOW_MS, now) };
      if (outcome === 2) return { allowed: false, reason: "quota_exceeded", state, retryAfterSec: secondsUntil(request.period.end.getTime(), now) };
      return { allowed: true, state };
    },
    async settle(record: UsageRecord, { refundQuota, periodKey }) {
      await settleBatch({ record, refund: refundQuota, periodKey });
    },
    async quotaUsed(userId, periodKey) {
      const key = quotaKey(userId, periodKey);
      const cached = await redis.send("GET", [key]);
      if (cached !== null && cached !== undefined) return Number(cached);
      const used = await options.loadQuota(userId, periodKey);
      await redis.send("SET", [key, String(used), "EX", String(QUOTA_TTL_SEC), "NX"]);
      return Number((await redis.send("GET", [key])) ?? used);
    },
    async forgetQuota(userId, periodKey) {
      await redis.send("DEL", [quotaKey(userId, periodKey)]);
    },
    async throttleCheck(bucket, limit, windowMs) {
      const [allowed, retryMs] = (await throttleScript([names.throttle(bucket)], [String(limit), String(windowMs), "0"])) as number[];
      return { allowed: allowed === 1, retryAfterSec: allowed === 1 ? 0 : Math.max(1, Math.ceil(retryMs! / 1000)) };
    },
    async throttleRecord(bucket, windowMs) {
      await throttleScript([names.throttle(bucket)], ["0", String(windowMs), "1"]);
    },
    async ping() {
      await redis.send("PING", []);
    },
    async close() {
      redis.close();
    },
  };
}

/** Connects to Redis at `url`, reconnecting with backoff forever so an outage heals without a restart. */
export async function connectRedis(url: string, onError: (error: Error) => void = () => {}): Promise<Redis> {
  const { createClient } = await import("redis");
  const client = createClient({
    url,
    // While Redis is down, fail calls at once (503) instead of queueing them until it returns.
    disableOfflineQueue: true,
    socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2_000), connectTimeout: 5_000 },
  }) as Redis;
  client.on("error", onError);
  await client.connect();
  return client;
}
