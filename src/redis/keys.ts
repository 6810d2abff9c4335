// The names of the hub's Redis keys: one place, so features never spell a key twice.

/** The hub's Redis key names under `prefix`; `{…}` hash tags keep one user's or key's keys in one slot. */
export function redisKeys(prefix: string) {
  return {
    usageStream: `${prefix}:usage`,
    invalidation: `${prefix}:invalidate`,
    quota: (userId: number, periodKey: string) => `${prefix}:quota:{${userId}}:${periodKey}`,
    /** A user's open quota reservations in a period (call id → lease deadline), in the quota's slot. */
    lease: (userId: number, periodKey: string) => `${prefix}:lease:{${userId}}:${periodKey}`,
    /** Taken by the instance that sweeps expired leases this round. */
    leaseSweep: `${prefix}:lease-sweep`,
    rate: (keyId: number) => `${prefix}:rate:{${keyId}}`,
    throttleBucket: (bucket: string) => `${prefix}:attempts:{${bucket}}`,
    knownDevice: (key: string) => `${prefix}:known:{${key}}`,
    /** Upstream deployments' failures in a row and cooldown deadlines (deployment id → count / Unix ms), one slot. */
    healthFailures: `${prefix}:{health}:failures`,
    healthCooldowns: `${prefix}:{health}:cooldowns`,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;
