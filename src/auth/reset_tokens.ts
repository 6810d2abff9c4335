// Password-reset tokens: issued by admins (and by the forgot-password mail), stored as SHA-256, one hour, single use.
import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "../db/mod.ts";
import { passwordResetTokens } from "../db/schema/mod.ts";

export const RESET_TOKEN_TTL_MS = 3600_000;

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Issues a reset token for `userId` (valid one hour); returns the token, which only its hash is stored of. */
export async function issuePasswordResetToken(db: Db, userId: number, options: { createdBy?: number | null; now?: Date } = {}): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date((options.now ?? new Date()).getTime() + RESET_TOKEN_TTL_MS);
  await db.insert(passwordResetTokens).values({ userId, tokenHash: hashToken(token), expiresAt, createdBy: options.createdBy ?? null });
  return { token, expiresAt };
}

/**
 * Uses up a reset token: the user id it was issued for, or null when it is unknown, expired or already used.
 * The reset endpoint calls this, then sets the password and ends the user's sessions.
 */
export async function consumePasswordResetToken(db: Db, token: string, now: Date = new Date()): Promise<number | null> {
  const rows = await db.update(passwordResetTokens).set({ usedAt: now })
    .where(and(eq(passwordResetTokens.tokenHash, hashToken(token)), isNull(passwordResetTokens.usedAt), gt(passwordResetTokens.expiresAt, now)))
    .returning({ userId: passwordResetTokens.userId });
  return rows[0]?.userId ?? null;
}
