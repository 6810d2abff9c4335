// Failed-login throttling per account and per client address.
import { HttpError } from "../http/errors.ts";

/** Where failed logins are counted (the limit store's throttle, until the throttle has a home of its own). */
export interface LoginThrottleStore {
  throttleCheck(bucket: string, limit: number, windowMs: number): Promise<{ allowed: boolean; retryAfterSec: number }>;
  throttleRecord(bucket: string, windowMs: number): Promise<void>;
}

export const LOGIN_WINDOW_MS = 15 * 60_000;
export const FAILURES_PER_ACCOUNT = 5;
export const FAILURES_PER_ADDRESS = 20;

/** Throws 429 when the account or the address has failed too often in the last 15 minutes. */
export async function assertLoginAllowed(limits: LoginThrottleStore, email: string, address: string): Promise<void> {
  const [account, client] = await Promise.all([
    limits.throttleCheck(`login:account:${email}`, FAILURES_PER_ACCOUNT, LOGIN_WINDOW_MS),
    limits.throttleCheck(`login:address:${address}`, FAILURES_PER_ADDRESS, LOGIN_WINDOW_MS),
  ]);
  const blocked = [account, client].find((r) => !r.allowed);
  if (blocked) {
    throw new HttpError("rate_limited", `Too many failed login attempts. Try again in ${blocked.retryAfterSec} seconds.`, {
      headers: { "retry-after": String(blocked.retryAfterSec) },
    });
  }
}

/** Counts a failed login against the account and the address. */
export async function recordLoginFailure(limits: LoginThrottleStore, email: string, address: string): Promise<void> {
  await Promise.all([
    limits.throttleRecord(`login:account:${email}`, LOGIN_WINDOW_MS),
    limits.throttleRecord(`login:address:${address}`, LOGIN_WINDOW_MS),
  ]);
}
