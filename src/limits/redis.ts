// Redis limits shared by every hub instance: one Lua script per decision, records appended to a stream.
import { createBatcher } from "../lib/mod.ts";
import { type RedisCommands, redisKeys, scriptRunner } from "../redis/mod.ts";
import type { UsageRecord } from "../usage/mod.ts";
import { type Admission, type AdmitRequest, limitState, type LimitStore, type QuotaLoader, RATE_WINDOW_MS, secondsUntil } from "./store.ts";
import { ADMIT_SCRIPT, SETTLE_SCRIPT } from "./scripts.ts";

const QUOTA_TTL_SEC = 70 * 24 * 3600;

/** Creates the Redis LimitStore: exact across any number of hub instances. */
export function createRedisLimitStore(redis: RedisCommands, options: { loadQuota: QuotaLoader; prefix: string }): LimitStore {
  const names = redisKeys(options.prefix);
  const quotaKey = names.quota;
  const admitScript = scriptRunner(redis, ADMIT_SCRIPT);
  const settleScript = scriptRunner(redis, SETTLE_SCRIPT);

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
    async ping() {
      await redis.send("PING", []);
    },
    async close() {
      redis.close();
    },
  };
}
