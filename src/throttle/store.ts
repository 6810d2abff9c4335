// The throttle interface: one atomic reserve (check and add) per decision, so concurrent attempts cannot overshoot.

/** How many events a bucket may hold in a sliding window, and what happens past that. */
export interface ThrottleRule {
  limit: number;
  windowMs: number;
  /**
   * Without it the bucket refuses once full. With it, a full bucket still admits an event once
   * `backoffMs × 2^(events − limit)` (at most `windowMs`) has passed since its newest event: a growing delay, not a lock.
   */
  backoffMs?: number;
}

export type Reservation =
  | { allowed: true; token: string }
  | { allowed: false; retryAfterSec: number };

export interface ThrottleStore {
  readonly kind: "memory" | "redis";
  /**
   * Checks `bucket` against `rule` and, only if it allows, adds an event, in one atomic step.
   * With `member`, the event is that member (counted once however often it is reserved): a bound on distinct members.
   */
  reserve(bucket: string, rule: ThrottleRule, options?: { member?: string }): Promise<Reservation>;
  /** Takes a reserved event back out (the attempt turned out fine). */
  release(bucket: string, token: string): Promise<void>;
  /** Remembers `key` for `ttlMs` (a known device). */
  remember(key: string, ttlMs: number): Promise<void>;
  /** Whether `key` is remembered. */
  remembers(key: string): Promise<boolean>;
  close(): Promise<void>;
}

/** Seconds until `ms` (a Unix time in milliseconds), at least 1. */
export function secondsUntil(ms: number, now: number): number {
  return Math.max(1, Math.ceil((ms - now) / 1000));
}

/** The wait a full backoff bucket imposes after its newest event. */
export function backoffWaitMs(rule: ThrottleRule, count: number): number {
  return Math.min(rule.backoffMs! * 2 ** (count - rule.limit), rule.windowMs);
}
