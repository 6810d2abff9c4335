// The names of the hub's Redis keys: one place, so features never spell a key twice.

/**
 * How many shards a cluster's users are spread over: a user's keys and its shard's usage stream share the
 * shard's hash tag `{u<n>}`, so an admit or a settle (counters + record) stays one atomic script on one slot.
 */
export const USER_SHARDS = 64;

/**
 * The hub's Redis key names under `prefix`; `{…}` hash tags keep one user's or key's keys in one slot.
 * With `cluster`, a user's keys (quota, leases, its keys' rate logs) carry its shard's tag `{u<n>}` and its
 * records go to the shard's usage stream; a single Redis keeps the names it always had (one stream).
 */
export function redisKeys(prefix: string, options: { cluster?: boolean } = {}) {
  const cluster = options.cluster ?? false;
  const tag = (userId: number) => `{u${userId % USER_SHARDS}}`;
  const shardStreams = (name: string) => (cluster ? Array.from({ length: USER_SHARDS }, (_, n) => `${name}:{u${n}}`) : [name]);
  return {
    /**
     * The streams the flusher reads: those settle batches go to (one on a single Redis, one per user shard on
     * a cluster), then the one-record streams of hubs before batching, drained after an upgrade. The batches
     * have streams of their own so a flusher of an older hub, still running during a rolling upgrade, never
     * reads an entry it cannot store.
     */
    usageStreams: [...shardStreams(`${prefix}:usage-batches`), ...shardStreams(`${prefix}:usage`)],
    /** The stream that takes `userId`'s settle batches (in the slot of its quota counter on a cluster). */
    usageStreamOf: (userId: number) => cluster ? `${prefix}:usage-batches:${tag(userId)}` : `${prefix}:usage-batches`,
    /** Calls whose keys share this value may be decided in one script (one slot). */
    shardOf: (userId: number) => cluster ? userId % USER_SHARDS : 0,
    invalidation: `${prefix}:invalidate`,
    quota: (userId: number, periodKey: string) => cluster ? `${prefix}:quota:${tag(userId)}:${userId}:${periodKey}` : `${prefix}:quota:{${userId}}:${periodKey}`,
    /** A user's leases of open quota reservations in a period (lease id → deadline), in the quota's slot. */
    lease: (userId: number, periodKey: string) => cluster ? `${prefix}:lease:${tag(userId)}:${userId}:${periodKey}` : `${prefix}:lease:{${userId}}:${periodKey}`,
    /** How many reservations each of those leases still holds (lease id → count), in the same slot. */
    leaseCount: (userId: number, periodKey: string) => cluster ? `${prefix}:lease-count:${tag(userId)}:${userId}:${periodKey}` : `${prefix}:lease-count:{${userId}}:${periodKey}`,
    /** Every lease key starts with this; its lease counts and quota counter are the same name after `leaseCountPrefix` and `quotaPrefix`. */
    leasePrefix: `${prefix}:lease:`,
    leaseCountPrefix: `${prefix}:lease-count:`,
    quotaPrefix: `${prefix}:quota:`,
    /** Taken by the instance that sweeps expired leases this round. */
    leaseSweep: `${prefix}:lease-sweep`,
    /** A key's sliding-window log; on a cluster in its owner's slot, as one admit script reads both. */
    rate: (keyId: number, userId: number) => cluster ? `${prefix}:rate:${tag(userId)}:${keyId}` : `${prefix}:rate:{${keyId}}`,
    throttleBucket: (bucket: string) => `${prefix}:attempts:{${bucket}}`,
    knownDevice: (key: string) => `${prefix}:known:{${key}}`,
    /** Upstream deployments' failures in a row and cooldown deadlines (deployment id → count / Unix ms), one slot. */
    healthFailures: `${prefix}:{health}:failures`,
    healthCooldowns: `${prefix}:{health}:cooldowns`,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;
