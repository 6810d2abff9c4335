// node-redis connections: the usage stream reader and pub/sub (the hot path uses fast_client.ts), on one Redis or a cluster.
import type { RedisClientType, RedisClusterType } from "redis";
import { withoutCredentials } from "../lib/mod.ts";

/** A node-redis client of one Redis, or of a Redis Cluster (commands go to their key's master). */
export type Redis = RedisClientType | RedisClusterType;

export type RedisTarget = { url: string } | { clusterNodes: string[] };

// While Redis is down, fail calls at once (503) instead of queueing them until it returns.
const SOCKET = { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2_000), connectTimeout: 5_000 };

/** Redis did not answer within the start-up deadline: where it was looked for, and the last error seen. */
export class RedisUnreachableError extends Error {
  constructor(readonly where: string, readonly waitedMs: number, readonly lastError: Error | null) {
    super(`Redis at ${where} did not answer within ${waitedMs / 1000} s${lastError ? ` (${lastError.message || lastError.name})` : ""}`);
  }
}

/** Where `target` points, without a password. */
function describeTarget(to: RedisTarget): string {
  return "url" in to ? withoutCredentials(to.url, "REDIS_URL") : `cluster nodes ${to.clusterNodes.join(", ")}`;
}

/**
 * Connects to Redis (a URL, or any nodes of a cluster); once connected it reconnects with backoff forever, so an
 * outage heals without a restart. With `deadlineMs` the first connection is given that long (Redis may start
 * moments after the hub), then the attempt is abandoned with RedisUnreachableError instead of waiting forever.
 */
export async function connectRedis(target: string | RedisTarget, onError: (error: Error) => void = () => {}, options: { deadlineMs?: number } = {}): Promise<Redis> {
  const { createClient, createCluster } = await import("redis");
  const to = typeof target === "string" ? { url: target } : target;
  const client = "url" in to
    ? createClient({ url: to.url, disableOfflineQueue: true, socket: SOCKET }) as RedisClientType
    : createCluster({
      rootNodes: to.clusterNodes.map((node) => ({ url: `redis://${node}` })),
      defaults: { disableOfflineQueue: true, socket: SOCKET },
    }) as unknown as RedisClusterType;
  let lastError: Error | null = null;
  client.on("error", (error: Error) => {
    lastError = error;
    onError(error);
  });
  const connecting = client.connect();
  if (!options.deadlineMs) {
    await connecting;
    return client;
  }
  connecting.catch(() => {}); // abandoned below when the deadline passes first
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), options.deadlineMs)));
  try {
    if ((await Promise.race([connecting, deadline])) === "late") {
      client.destroy();
      throw new RedisUnreachableError(describeTarget(to), options.deadlineMs, lastError);
    }
  } finally {
    clearTimeout(timer);
  }
  return client;
}

/** True when `redis` is a cluster client. */
export function isCluster(redis: Redis): redis is RedisClusterType {
  return "masters" in redis;
}

/** Publishes on `channel`: sharded pub/sub on a cluster (only the channel's shard carries it), plain on one Redis. */
export async function publish(redis: Redis, channel: string, message: string): Promise<void> {
  if (isCluster(redis)) await redis.sPublish(channel, message);
  else await redis.publish(channel, message);
}

/**
 * Listens on `channel` until the returned close is called: a cluster client subscribes (sharded) on its own
 * connection to the channel's master and follows it if the slot moves; one Redis gets a duplicate connection.
 */
export async function subscribe(redis: Redis, channel: string, listener: (message: string) => void): Promise<() => Promise<void>> {
  if (isCluster(redis)) {
    await redis.sSubscribe(channel, listener);
    return async () => {
      await redis.sUnsubscribe(channel).catch(() => {});
    };
  }
  const subscriber = redis.duplicate();
  subscriber.on("error", () => {});
  await subscriber.connect();
  await subscriber.subscribe(channel, listener);
  return async () => {
    await subscriber.close().catch(() => {});
  };
}
