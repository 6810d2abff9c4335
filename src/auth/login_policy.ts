// Who may try a password or register now: the login and registration throttling policy, on a ThrottleStore.
//
// Login (every window is 15 minutes; an attempt is reserved BEFORE the password is checked, atomically, and a
// correct password gives its reservation back, so only failures stay counted):
//   1. per (account, address) pair: 5 failures, then that pair waits until the oldest leaves the window;
//   2. per account, from all addresses: after 10 failures, each further attempt waits 1 s × 2^(failures − 10)
//      after the previous one (at most 15 min): a growing delay, never a lock;
//   3. per address, across accounts: failures for at most 50 distinct accounts, then that address waits.
// A known device, an (account, address) pair that logged in successfully in the last 30 days, skips 2 and 3:
// strangers cannot lock a user out of where they usually sign in, and a shared address (a company NAT) is not
// blocked for its regular users. Only rule 1 applies to it.
// Registration: at most REGISTRATIONS_PER_HOUR_PER_ADDRESS attempts that pass validation per address per hour.
import { createHash } from "node:crypto";
import type { ThrottleRule, ThrottleStore } from "../throttle/mod.ts";

const WINDOW_MS = 15 * 60_000;
export const PAIR_RULE: ThrottleRule = { limit: 5, windowMs: WINDOW_MS };
export const ACCOUNT_RULE: ThrottleRule = { limit: 10, windowMs: WINDOW_MS, backoffMs: 1_000 };
export const ADDRESS_RULE: ThrottleRule = { limit: 50, windowMs: WINDOW_MS };
export const KNOWN_DEVICE_MS = 30 * 24 * 3600_000;
const REGISTRATION_WINDOW_MS = 3600_000;

export type Gate<T> = { allowed: true; attempt: T } | { allowed: false; retryAfterSec: number };

/** A reserved login attempt: report how it went once the password was checked. */
export interface LoginAttempt {
  /** The password was right: give the reservations back and remember the device. */
  succeeded(): Promise<void>;
  /** The password could not be checked (a dependency failed): give the reservations back. */
  cancelled(): Promise<void>;
}

/** Short, fixed-length ids, so bucket names carry no email or address in the clear. */
function digest(value: string): string {
  return createHash("sha256").update(value).digest("base64url").slice(0, 22);
}

/** Reserves a login attempt for `email` from `address` under the policy above, or says how long to wait. */
export async function beginLogin(throttle: ThrottleStore, email: string, address: string): Promise<Gate<LoginAttempt>> {
  const account = digest(email);
  const client = digest(address);
  const device = `login:known:${account}:${client}`;
  // The tight per-pair bucket goes first, so a flood from one address does not hold the account-wide slots.
  const pairBucket = `login:pair:${account}:${client}`;
  const [pair, known] = await Promise.all([throttle.reserve(pairBucket, PAIR_RULE), throttle.remembers(device)]);
  if (!pair.allowed) return pair;
  const held = [{ bucket: pairBucket, token: pair.token }];
  if (!known) {
    const accountBucket = `login:account:${account}`;
    const addressBucket = `login:address:${client}`;
    const [wide, shared] = await Promise.all([throttle.reserve(accountBucket, ACCOUNT_RULE), throttle.reserve(addressBucket, ADDRESS_RULE, { member: account })]);
    if (wide.allowed) held.push({ bucket: accountBucket, token: wide.token });
    if (!wide.allowed || !shared.allowed) {
      // The address keeps the account as tried: the member may predate this attempt, and releasing it would erase that.
      await Promise.all(held.map((h) => throttle.release(h.bucket, h.token)));
      return { allowed: false, retryAfterSec: Math.max(wide.allowed ? 0 : wide.retryAfterSec, shared.allowed ? 0 : shared.retryAfterSec) };
    }
    held.push({ bucket: addressBucket, token: shared.token });
  }
  return {
    allowed: true,
    attempt: {
      async succeeded() {
        await Promise.all([...held.map((h) => throttle.release(h.bucket, h.token)), throttle.remember(device, KNOWN_DEVICE_MS)]);
      },
      async cancelled() {
        await Promise.all(held.map((h) => throttle.release(h.bucket, h.token)));
      },
    },
  };
}

/** Reserves one registration attempt for `address`, or says how long to wait. */
export async function beginRegistration(throttle: ThrottleStore, address: string, perHour: number): Promise<Gate<null>> {
  const reservation = await throttle.reserve(`register:${digest(address)}`, { limit: perHour, windowMs: REGISTRATION_WINDOW_MS });
  return reservation.allowed ? { allowed: true, attempt: null } : reservation;
}
