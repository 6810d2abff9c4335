// Account services: register, log in, and the user view of CONTRACT.md. No HTTP in here.
import type { Db } from "../db/mod.ts";
import { HttpError } from "../http/errors.ts";
import { CONTROL_CHARACTER_PROBLEM, hasControlCharacters } from "../http/text.ts";
import { quotaPeriod, quotaRemaining, type QuotaCounter } from "../plans/mod.ts";
import type { UserView } from "./model.ts";
import { hashPassword, type PasswordCost, verifyPassword } from "./passwords.ts";
import type { ThrottleStore } from "../throttle/mod.ts";
import { beginLogin, beginRegistration } from "./login_policy.ts";
import { createUser, findUserByEmail, normalizeEmail, type User } from "./users.ts";

/** A registration the data refuses (the input's shape is the schema's job: auth/model.ts). */
export type RegisterRefusal = { ok: false; code: "email_taken" } | { ok: false; code: "too_many_registrations"; retryAfterSec: number };

/** Refuses with 429 and Retry-After, saying what could not be done. */
function tooMany(what: string, retryAfterSec: number): HttpError {
  return new HttpError("rate_limited", `${what} Try again in ${retryAfterSec} seconds.`, { headers: { "retry-after": String(retryAfterSec) }, reason: { kind: "login_throttled", seconds: retryAfterSec } });
}

/**
 * Creates an account, or refuses a taken email (in any case) or an address that made `registrationsPerHour`
 * attempts (that passed validation) in the last hour. An email among `adminEmails` (ADMIN_EMAILS) registers an admin.
 */
export async function registerUser(
  db: Db,
  input: { email: string; password: string; fullName?: string | null; address: string; lang?: string },
  options: { cost: PasswordCost; throttle: ThrottleStore; registrationsPerHour: number; adminEmails?: readonly string[] },
): Promise<{ ok: true; user: User } | RegisterRefusal> {
  const fullName = input.fullName?.trim() || null;
  const gate = await beginRegistration(options.throttle, input.address, options.registrationsPerHour);
  if (!gate.allowed) return { ok: false, code: "too_many_registrations", retryAfterSec: gate.retryAfterSec };
  if (await findUserByEmail(db, input.email)) return { ok: false, code: "email_taken" };
  const role = options.adminEmails?.includes(normalizeEmail(input.email)) ? "admin" : "user";
  const user = await createUser(db, { email: input.email, passwordHash: await hashPassword(input.password, options.cost), fullName, lang: input.lang === "en" ? "en" : "zh-CN", role });
  return user ? { ok: true, user } : { ok: false, code: "email_taken" };
}

const dummyHashes = new Map<string, Promise<string>>();

/** A hash of a random password at `cost`, made once per cost. */
function dummyHash(cost: PasswordCost): Promise<string> {
  const id = `${cost.memoryCost}:${cost.timeCost}`;
  let hash = dummyHashes.get(id);
  if (!hash) dummyHashes.set(id, (hash = hashPassword(crypto.randomUUID(), cost)));
  return hash;
}

/** Checks credentials under the login throttle (login_policy.ts); throws 401 or 429, or 403 for a disabled account. */
export async function authenticate(db: Db, input: { email: string; password: string; address: string }, options: { cost?: PasswordCost; throttle: ThrottleStore }): Promise<User> {
  if (hasControlCharacters(input.email)) throw new HttpError("validation", `Invalid field 'email': ${CONTROL_CHARACTER_PROBLEM}`, { param: "email", reason: { kind: "control_characters" } });
  const email = normalizeEmail(input.email);
  // Reserved before the password is checked, so concurrent guesses cannot all pass a check made before any failed.
  const gate = await beginLogin(options.throttle, email, input.address);
  if (!gate.allowed) throw tooMany("Too many failed login attempts.", gate.retryAfterSec);
  let user: User | null;
  let ok: boolean;
  try {
    user = await findUserByEmail(db, email);
    // Verify against a hash of the same cost even when there is no such user, so timing does not tell.
    ok = user ? await verifyPassword(input.password, user.passwordHash) : (await verifyPassword(input.password, await dummyHash(options.cost ?? {})), false);
  } catch (error) {
    await gate.attempt.cancelled().catch(() => {});
    throw error;
  }
  if (!user || !ok) throw new HttpError("unauthorized", "Incorrect email or password", { reason: { kind: "wrong_credentials" } });
  await gate.attempt.succeeded();
  if (!user.isActive) throw new HttpError("forbidden", "Account is disabled", { reason: { kind: "account_disabled" } });
  return user;
}

/** The user as the API shows it, with this month's quota use. */
export async function userView(limits: QuotaCounter, user: User): Promise<UserView> {
  const used = await limits.quotaUsed(user.id, quotaPeriod().key);
  return {
    id: user.id,
    email: user.email,
    full_name: user.fullName,
    plan: user.plan,
    monthly_quota: user.monthlyQuota,
    quota_used: used,
    quota_remaining: quotaRemaining(user.monthlyQuota, used),
    is_active: user.isActive,
    email_verified: user.isVerified,
    created_at: user.createdAt.toISOString(),
  };
}
