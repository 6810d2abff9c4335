// In-process throttle buckets: exact sliding logs, for a hub without Redis (one instance).
import { backoffWaitMs, type Reservation, secondsUntil, type ThrottleRule, type ThrottleStore } from "./store.ts";

/** Creates the in-process ThrottleStore; `now` is injectable for clock-driven tests. */
export function createMemoryThrottleStore(options: { now?: () => number } = {}): ThrottleStore {
  const now = options.now ?? Date.now;
  // Per bucket: token → time, in insertion (and so time) order.
  const buckets = new Map<string, { events: Map<string, number>; windowMs: number }>();
  const remembered = new Map<string, number>();

  const trim = (events: Map<string, number>, t: number, windowMs: number) => {
    for (const [token, at] of events) {
      if (at > t - windowMs) break;
      events.delete(token);
    }
  };

  // Drop empty buckets and forgotten keys now and then, so memory follows recent activity.
  const sweep = setInterval(() => {
    const t = now();
    for (const [name, bucket] of buckets) {
      trim(bucket.events, t, bucket.windowMs);
      if (bucket.events.size === 0) buckets.delete(name);
    }
    for (const [key, until] of remembered) if (until <= t) remembered.delete(key);
  }, 60_000);
  sweep.unref?.();

  return {
    kind: "memory",
    async reserve(name: string, rule: ThrottleRule, { member }: { member?: string } = {}): Promise<Reservation> {
      // Nothing awaits from here to the return, so the check and the reservation are one atomic step.
      const t = now();
      let bucket = buckets.get(name);
      if (!bucket) buckets.set(name, (bucket = { events: new Map(), windowMs: rule.windowMs }));
      bucket.windowMs = rule.windowMs;
      const { events } = bucket;
      trim(events, t, rule.windowMs);
      const token = member ?? crypto.randomUUID();
      if (member === undefined || !events.has(member)) {
        const count = events.size;
        if (count >= rule.limit) {
          const times = [...events.values()];
          const retryAt = times[0]! + rule.windowMs;
          if (rule.backoffMs === undefined) return { allowed: false, retryAfterSec: secondsUntil(retryAt, t) };
          const nextAt = times.at(-1)! + backoffWaitMs(rule, count);
          if (t < nextAt) return { allowed: false, retryAfterSec: secondsUntil(Math.min(retryAt, nextAt), t) };
        }
      }
      // A member seen again moves to the end with the new time.
      events.delete(token);
      events.set(token, t);
      return { allowed: true, token };
    },
    async release(name, token) {
      buckets.get(name)?.events.delete(token);
    },
    async remember(key, ttlMs) {
      remembered.set(key, now() + ttlMs);
    },
    async remembers(key) {
      return (remembered.get(key) ?? 0) > now();
    },
    async close() {
      clearInterval(sweep);
    },
  };
}
