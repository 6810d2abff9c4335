// node-redis connections: the usage stream reader and pub/sub (the hot path uses fast_client.ts).
import type { RedisClientType } from "redis";

export type Redis = RedisClientType;

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
