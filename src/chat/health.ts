// Deployment health: failures in a row start a cooldown, after which one call probes; shared through a HealthStore.

/** What the store knows of one deployment: failures in a row, and the end of its cooldown (ms, 0: none). */
export interface DeploymentHealth {
  failures: number;
  coolUntil: number;
}

/** Where health lives: in-process, or in Redis so every instance skips the same cooling deployments. */
export interface HealthStore {
  read(ids: readonly string[]): Promise<DeploymentHealth[]>;
  /**
   * Counts a failure at `now`; the `threshold`-th in a row starts a cooldown of `cooldownMs` (and resets the
   * count). A failure during a cooldown changes nothing. Returns the state after it.
   */
  fail(id: string, rule: { threshold: number; cooldownMs: number }, now: number): Promise<DeploymentHealth>;
  /** Forgets failures and any cooldown. */
  succeed(id: string): Promise<void>;
  /**
   * Claims the one probe after a cooldown ended: true (and the cooldown is extended by `cooldownMs`, so nobody
   * else probes meanwhile) for the first caller, or when the deployment is healthy; false while it cools.
   */
  claimProbe(id: string, cooldownMs: number, now: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Creates the in-process HealthStore. */
export function createMemoryHealthStore(): HealthStore {
  const states = new Map<string, DeploymentHealth>();
  const get = (id: string) => states.get(id) ?? { failures: 0, coolUntil: 0 };
  return {
    async read(ids) {
      return ids.map((id) => ({ ...get(id) }));
    },
    async fail(id, rule, now) {
      const s = get(id);
      if (s.coolUntil > now) return { ...s };
      const failures = s.failures + 1;
      const next = failures >= rule.threshold ? { failures: 0, coolUntil: now + rule.cooldownMs } : { failures, coolUntil: s.coolUntil };
      states.set(id, next);
      return { ...next };
    },
    async succeed(id) {
      states.delete(id);
    },
    async claimProbe(id, cooldownMs, now) {
      const s = get(id);
      if (s.coolUntil === 0) return true;
      if (s.coolUntil > now) return false;
      states.set(id, { failures: s.failures, coolUntil: now + cooldownMs });
      return true;
    },
    async close() {},
  };
}

/** A deployment's state as operators see it. */
export interface HealthView {
  state: "healthy" | "cooling_down";
  /** When the cooldown ends (ISO time), for a deployment cooling down. */
  cooling_until: string | null;
  consecutive_failures: number;
}

/** The routing's view of health: a short-lived local copy of the store, so a healthy call costs no round trip. */
export interface HealthTracker {
  /** "healthy", "probe" (this call is the one probe after a cooldown) or "cooling" (skip it). */
  admit(id: string): Promise<"healthy" | "probe" | "cooling">;
  failed(id: string): Promise<void>;
  succeeded(id: string): Promise<void>;
  view(ids: readonly string[]): Promise<HealthView[]>;
}

/**
 * Tracks health in `store` under the cooldown rule. `refreshMs`: how long a local copy is trusted (0 for the
 * in-process store); store errors fail open (the deployment counts as healthy), so Redis trouble never blocks calls.
 */
export function createHealthTracker(store: HealthStore, options: { failures: number; seconds: number; refreshMs: number; now?: () => number; onError?: (error: unknown) => void }): HealthTracker {
  const now = options.now ?? Date.now;
  const cooldownMs = options.seconds * 1000;
  const cache = new Map<string, DeploymentHealth & { readAt: number }>();
  const onError = options.onError ?? (() => {});
  const remember = (id: string, h: DeploymentHealth) => void cache.set(id, { ...h, readAt: now() });
  /** The local copy of `id`'s health while it may be trusted, else null. */
  const fresh = (id: string): DeploymentHealth | null => {
    const cached = cache.get(id);
    return cached && now() - cached.readAt < options.refreshMs ? cached : null;
  };
  const read = async (id: string): Promise<DeploymentHealth> => {
    const [h] = await store.read([id]);
    remember(id, h!);
    return h!;
  };
  return {
    async admit(id) {
      try {
        const h = fresh(id) ?? (await read(id));
        const t = now();
        if (h.coolUntil === 0) return "healthy";
        if (h.coolUntil > t) return "cooling";
        const claimed = await store.claimProbe(id, cooldownMs, t);
        remember(id, { failures: h.failures, coolUntil: t + cooldownMs });
        return claimed ? "probe" : "cooling";
      } catch (error) {
        onError(error);
        return "healthy";
      }
    },
    async failed(id) {
      try {
        remember(id, await store.fail(id, { threshold: options.failures, cooldownMs }, now()));
      } catch (error) {
        onError(error);
      }
    },
    async succeeded(id) {
      const cached = cache.get(id);
      // The common case, a healthy deployment answering, writes nothing.
      if (cached && cached.failures === 0 && cached.coolUntil === 0) return;
      try {
        await store.succeed(id);
        remember(id, { failures: 0, coolUntil: 0 });
      } catch (error) {
        onError(error);
      }
    },
    async view(ids) {
      const states = await store.read(ids);
      const t = now();
      return states.map((h) => ({
        state: h.coolUntil > t ? "cooling_down" as const : "healthy" as const,
        cooling_until: h.coolUntil > t ? new Date(h.coolUntil).toISOString() : null,
        consecutive_failures: h.failures,
      }));
    },
  };
}
