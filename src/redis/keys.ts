// The names of the hub's Redis keys: one place, so features never spell a key twice.

/** The hub's Redis key names under `prefix`; `{…}` hash tags keep one user's or key's keys in one slot. */
export function redisKeys(prefix: string) {
  return {
    usageStream: `${prefix}:usage`,
    invalidation: `${prefix}:invalidate`,
    quota: (userId: number, periodKey: string) => `${prefix}:quota:{${userId}}:${periodKey}`,
    rate: (keyId: number) => `${prefix}:rate:{${keyId}}`,
    throttleBucket: (bucket: string) => `${prefix}:attempts:{${bucket}}`,
    knownDevice: (key: string) => `${prefix}:known:{${key}}`,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;
