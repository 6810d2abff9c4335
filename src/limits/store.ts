// The limit store: one atomic admit (a key's rate limit + its owner's quota), one settle, the quota counter.
import type { UsageRecord } from "../usage/mod.ts";

/** A per-key sliding-window rate limit plus the owner's monthly quota, decided in one step. */
export interface AdmitRequest {
  /** The call's id (its usage record's id): names its quota reservation until it settles. */
  callId: string;
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

export interface LimitStore {
  /** Checks the rate limit and the quota and, only if both allow, counts the call and reserves quota. */
  admit(request: AdmitRequest): Promise<Admission>;
  /**
   * Closes a call: its record becomes durable (it is the proof of the charge) and, when `refundQuota`,
   * its reservation is given back, in one step. A call whose lease already expired was refunded by
   * then: a refund does nothing more, and a charged call (`record.countsQuota`) is counted again.
   */
  settle(record: UsageRecord, options: { refundQuota: boolean; periodKey: string }): Promise<void>;
  /** Quota used by `userId` in the period, reservations included. */
  quotaUsed(userId: number, periodKey: string): Promise<number>;
  /** Refunds every reservation whose lease expired (its call never settled: crash, hung stream); returns how many. */
  reconcileLeases(): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Loads a user's quota used in a period from the database (the source of truth). */
export type QuotaLoader = (userId: number, periodKey: string) => Promise<number>;

export const RATE_WINDOW_MS = 60_000;

/**
 * How long a quota reservation may stay unsettled before it is given back: well above the longest call
 * (upstream idle timeout 120 s by default, restarted on each chunk); a call settling later is counted again.
 */
export const DEFAULT_LEASE_MS = 15 * 60_000;

/** How often each instance looks for expired leases of idle users. */
export function leaseSweepMs(leaseMs: number): number {
  return Math.max(50, Math.min(60_000, Math.floor(leaseMs / 2)));
}

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
