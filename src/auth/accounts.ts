// Account services: register, log in, and the user view of CONTRACT.md. No HTTP in here.
import type { Db } from "../db/mod.ts";
import { HttpError } from "../http/errors.ts";
import { quotaPeriod, quotaRemaining, type QuotaCounter } from "../plans/mod.ts";
import type { UserView } from "./model.ts";
import { hashPassword, type PasswordCost, verifyPassword } from "./passwords.ts";
import { assertLoginAllowed, type LoginThrottleStore, recordLoginFailure } from "./throttle.ts";
import { createUser, findUserByEmail, normalizeEmail, type User } from "./users.ts";

/** A registration the data refuses (the input's shape is the schema's job: auth/model.ts). */
export type RegisterRefusal = "email_taken";

/** Creates an account, or refuses a taken email (in any case). */
export async function registerUser(db: Db, input: { email: string; password: string; fullName?: string | null }, cost: PasswordCost): Promise<{ ok: true; user: User } | { ok: false; code: RegisterRefusal }> {
  const fullName = input.fullName?.trim() || null;
  if (await findUserByEmail(db, input.email)) return { ok: false, code: "email_taken" };
  const user = await createUser(db, { email: input.email, passwordHash: await hashPassword(input.password, cost), fullName });
  return user ? { ok: true, user } : { ok: false, code: "email_taken" };
}

/** Checks credentials under the failed-login throttle; throws 401 or 429, or 403 for a disabled account. */
const dummyHashes = new Map<string, Promise<string>>();

/** A hash of a random password at `cost`, made once per cost. */
function dummyHash(cost: PasswordCost): Promise<string> {
  const id = `${cost.memoryCost}:${cost.timeCost}`;
  let hash = dummyHashes.get(id);
  if (!hash) dummyHashes.set(id, (hash = hashPassword(crypto.randomUUID(), cost)));
  return hash;
}

export async function authenticate(db: Db, limits: LoginThrottleStore, input: { email: string; password: string; address: string }, cost: PasswordCost = {}): Promise<User> {
  const email = normalizeEmail(input.email);
  await assertLoginAllowed(limits, email, input.address);
  const user = await findUserByEmail(db, email);
  // Verify against a hash of the same cost even when there is no such user, so timing does not tell.
  const ok = user ? await verifyPassword(input.password, user.passwordHash) : (await verifyPassword(input.password, await dummyHash(cost)), false);
  if (!user || !ok) {
    await recordLoginFailure(limits, email, input.address);
    throw new HttpError("unauthorized", "Incorrect email or password");
  }
  if (!user.isActive) throw new HttpError("forbidden", "Account is disabled");
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
    created_at: user.createdAt.toISOString(),
  };
}
