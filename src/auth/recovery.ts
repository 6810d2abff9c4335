// Getting back in and proving an address: verification mails, forgotten-password mails, password resets.
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "../db/mod.ts";
import { users } from "../db/schema/mod.ts";
import type { Mailer } from "../mail/mod.ts";
import type { ThrottleStore } from "../throttle/mod.ts";
import { hashPassword, type PasswordCost } from "./passwords.ts";
import { endOtherSessions } from "./sessions.ts";
import { consumeAccountToken, issueAccountToken, issuePasswordReset, VERIFY_TTL_MS } from "./tokens.ts";
import { findUserByEmail, findUserById, type User } from "./users.ts";

/** Where account mails go out and what their links point to. */
export interface AccountMail {
  mailer: Mailer;
  publicUrl: string;
}

const HOUR_MS = 3600_000;
const FORGOT_PER_EMAIL = { limit: 3, windowMs: HOUR_MS };
const FORGOT_PER_ADDRESS = { limit: 20, windowMs: HOUR_MS };
const RESEND_PER_USER = { limit: 3, windowMs: HOUR_MS };

function digest(value: string): string {
  return createHash("sha256").update(value).digest("base64url").slice(0, 22);
}

/** Mails `user` a link that verifies their address (nothing without SMTP). */
export async function sendVerificationMail(db: Db, mail: AccountMail, user: User): Promise<void> {
  if (!mail.mailer.enabled || user.isVerified) return;
  const token = await issueAccountToken(db, user.id, "verify_email", VERIFY_TTL_MS);
  await mail.mailer.send(user.email, user.lang, { kind: "verify_email", url: `${mail.publicUrl}/verify-email?token=${token}` });
}

/** Sends the verification mail again, at most 3 times an hour per user. */
export async function resendVerification(db: Db, mail: AccountMail, user: User, throttle: ThrottleStore): Promise<{ ok: true } | { ok: false; code: "already_verified" } | { ok: false; code: "too_many"; retryAfterSec: number }> {
  if (user.isVerified) return { ok: false, code: "already_verified" };
  const gate = await throttle.reserve(`verify-resend:${user.id}`, RESEND_PER_USER);
  if (!gate.allowed) return { ok: false, code: "too_many", retryAfterSec: gate.retryAfterSec };
  await sendVerificationMail(db, mail, user);
  return { ok: true };
}

/** Marks the token's user verified; false for an unknown, used or expired token. */
export async function verifyEmail(db: Db, token: string): Promise<boolean> {
  const userId = await consumeAccountToken(db, "verify_email", token);
  if (userId === null) return false;
  await db.update(users).set({ isVerified: true, updatedAt: new Date() }).where(eq(users.id, userId));
  return true;
}

/**
 * Starts a password reset for `email` and returns at once, before looking the address up, so known and unknown
 * addresses answer alike and in the same time. Only the per-address throttle (which says nothing about the email) refuses.
 */
export async function requestPasswordReset(db: Db, mail: AccountMail, input: { email: string; address: string }, options: { throttle: ThrottleStore; onError(error: unknown): void }): Promise<{ ok: true } | { ok: false; retryAfterSec: number }> {
  const gate = await options.throttle.reserve(`forgot:address:${digest(input.address)}`, FORGOT_PER_ADDRESS);
  if (!gate.allowed) return { ok: false, retryAfterSec: gate.retryAfterSec };
  void (async () => {
    const user = await findUserByEmail(db, input.email);
    if (!user || !user.isActive || user.deletedAt || !mail.mailer.enabled) return;
    const perEmail = await options.throttle.reserve(`forgot:email:${digest(user.email)}`, FORGOT_PER_EMAIL);
    if (!perEmail.allowed) return;
    const { url } = await issuePasswordReset(db, user.id, { publicUrl: mail.publicUrl });
    await mail.mailer.send(user.email, user.lang, { kind: "password_reset", url });
  })().catch(options.onError);
  return { ok: true };
}

/** Sets a new password from a reset token and ends every session of that user; false for a bad token. */
export async function resetPassword(db: Db, input: { token: string; password: string }, cost: PasswordCost): Promise<boolean> {
  const userId = await consumeAccountToken(db, "password_reset", input.token);
  if (userId === null) return false;
  const user = await findUserById(db, userId);
  if (!user || user.deletedAt) return false;
  // Following the mailed link proves the address too.
  await db.update(users).set({ passwordHash: await hashPassword(input.password, cost), isVerified: true, updatedAt: new Date() }).where(eq(users.id, userId));
  await endOtherSessions(db, userId, null);
  return true;
}
