// What a signed-in user changes about their own account: password, sessions, and deleting it.
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/mod.ts";
import { apiKeys, users, webhooks } from "../db/schema/mod.ts";
import { hashPassword, type PasswordCost, verifyPassword } from "./passwords.ts";
import { endOtherSessions } from "./sessions.ts";
import { isLastActiveAdmin, type User } from "./users.ts";

/** Changes the password when `current` is right, and ends the user's other sessions. */
export async function changePassword(db: Db, account: { user: User; sessionId: string }, input: { current: string; next: string }, cost: PasswordCost): Promise<{ ok: true } | { ok: false; code: "wrong_password" }> {
  if (!(await verifyPassword(input.current, account.user.passwordHash))) return { ok: false, code: "wrong_password" };
  await db.update(users).set({ passwordHash: await hashPassword(input.next, cost), updatedAt: new Date() }).where(eq(users.id, account.user.id));
  await endOtherSessions(db, account.user.id, account.sessionId);
  return { ok: true };
}

/**
 * Deletes the account when `password` is right and it is not the last active admin (like demoting or disabling
 * them, deleting would leave no one to run the hub): keys revoked (their hashes returned, for every instance's
 * cache), sessions ended, webhooks removed, email and name erased. The row stays, anonymous, so usage totals keep
 * adding up.
 */
export async function deleteAccount(db: Db, user: User, password: string): Promise<{ ok: true; revokedKeyHashes: string[] } | { ok: false; code: "wrong_password" | "last_admin" }> {
  if (!(await verifyPassword(password, user.passwordHash))) return { ok: false, code: "wrong_password" };
  const now = new Date();
  const revoked = await db.transaction(async (tx) => {
    if (await isLastActiveAdmin(tx, user.id)) return null;
    const keys = await tx.update(apiKeys).set({ isActive: false, revokedAt: now })
      .where(and(eq(apiKeys.userId, user.id), eq(apiKeys.isActive, true))).returning({ keyHash: apiKeys.keyHash });
    await tx.update(webhooks).set({ isActive: false, deletedAt: now }).where(eq(webhooks.userId, user.id));
    await tx.update(users).set({
      email: `deleted-${user.id}@deleted.invalid`,
      fullName: null,
      // No password opens it again: a random string is no argon2 hash.
      passwordHash: `deleted:${crypto.randomUUID()}`,
      isActive: false,
      deletedAt: now,
      updatedAt: now,
    }).where(eq(users.id, user.id));
    return keys;
  });
  if (!revoked) return { ok: false, code: "last_admin" };
  await endOtherSessions(db, user.id, null);
  return { ok: true, revokedKeyHashes: revoked.map((k) => k.keyHash) };
}
