// The limits interface: one atomic admit (rate limit + quota), one settle, and a throttle for logins.

/** A per-key sliding-window rate limit plus the owner's monthly quota, decided in one step. */
export interface AdmitRequest {
  keyId: number;
  userId: number;
  /** Requests per 60-second sliding window. */
  rateLimit: number;
  quotaLimit: number;
  /** Only chat calls reserve quota; every authenticated call counts toward the rate limit. */
  countsQuota: boolean;
  /** The quota period's key (YYYY-MM-01) and its end. */
  period: { key: string; end: Date };
}

export interface LimitHeaders {
  rateLimit: number;
  rateRemaining: number;
  /** Unix seconds when the oldest request in the window leaves it. */
  rateReset: number;
  quotaLimit: number;
  quotaUsed: number;
  /** Unix seconds of the next period's start. */
  quotaReset: number;
}

export type Admission =
  | { allowed: true; state: LimitHeaders }
  | { allowed: false; reason: "rate_limited" | "quota_exceeded"; state: LimitHeaders; retryAfterSec: number };

/** Everything a call leaves behind; written once, after the response ends. */
export interface UsageRecord {
  id: string;
  userId: number;
  apiKeyId: number;
  endpoint: string;
  model: string | null;
  upstream: string | null;
  status: number;
  outcome: string;
  countsQuota: boolean;
  promptTokens: number;
  completionTokens: number;
  tokensEstimated: boolean;
  cost: number;
  latencyMs: number;
  ttfbMs: number | null;
  stream: boolean;
  error: string | null;
  createdAt: string;
  /** The quota period (YYYY-MM-01) the call reserved against, even if it ends in the next month. */
  quotaPeriod: string;
}

export interface ThrottleResult {
  allowed: boolean;
  retryAfterSec: number;
}

export interface LimitStore {
  readonly kind: "memory" | "redis";
  /** Checks the rate limit and the quota and, only if both allow, records the call and reserves quota. */
  admit(request: AdmitRequest): Promise<Admission>;
  /** Makes the usage record durable and gives the quota reservation back when `refundQuota`. */
  settle(record: UsageRecord, options: { refundQuota: boolean; periodKey: string }): Promise<void>;
  /** Quota used by `userId` in the period, reservations included. */
  quotaUsed(userId: number, periodKey: string): Promise<number>;
  /** Forgets the cached counter so the next call reads the database (after an operator's change). */
  forgetQuota(userId: number, periodKey: string): Promise<void>;
  /** Whether `bucket` has fewer than `limit` events in the last `windowMs`. */
  throttleCheck(bucket: string, limit: number, windowMs: number): Promise<ThrottleResult>;
  /** Adds an event to `bucket`. */
  throttleRecord(bucket: string, windowMs: number): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Loads a user's quota used in a period from the database (the source of truth). */
export type QuotaLoader = (userId: number, periodKey: string) => Promise<number>;

export const RATE_WINDOW_MS = 60_000;

/** The limit state after a decision: `count` calls in the window, `used` quota, the window's oldest call at `oldest` ms. */
export function limitState(request: AdmitRequest, count: number, used: number, oldest: number): LimitHeaders {
  return {
    rateLimit: request.rateLimit,
    rateRemaining: Math.max(0, request.rateLimit - count),
    rateReset: Math.ceil((oldest + RATE_WINDOW_MS) / 1000),
    quotaLimit: request.quotaLimit,
    quotaUsed: used,
    quotaReset: Math.floor(request.period.end.getTime() / 1000),
  };
}

/** Seconds until `ms` (a Unix time in milliseconds), at least 1. */
export function secondsUntil(ms: number, now: number): number {
  return Math.max(1, Math.ceil((ms - now) / 1000));
}
