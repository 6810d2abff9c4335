// Single-use account tokens sent by mail (email verification, password reset): stored only as SHA-256 hashes.
import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "../db/mod.ts";
import { accountTokens } from "../db/schema/mod.ts";

export type TokenPurpose = "verify_email" | "password_reset";

export const RESET_TTL_MS = 3600_000;
export const VERIFY_TTL_MS = 7 * 24 * 3600_000;

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Issues a token for `userId` valid `ttlMs`; only its hash is kept. */
export async function issueAccountToken(db: Db, userId: number, purpose: TokenPurpose, ttlMs: number): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await db.insert(accountTokens).values({ userId, purpose, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + ttlMs) });
  return token;
}

/** Uses up a live token in one statement (so two uses cannot both win); the user's id, or null if unknown, used or expired. */
export async function consumeAccountToken(db: Db, purpose: TokenPurpose, token: string): Promise<number | null> {
  if (typeof token !== "string" || token.length < 20 || token.length > 200) return null;
  const rows = await db.update(accountTokens).set({ usedAt: new Date() })
    .where(and(eq(accountTokens.tokenHash, hashToken(token)), eq(accountTokens.purpose, purpose), isNull(accountTokens.usedAt), gt(accountTokens.expiresAt, new Date())))
    .returning({ userId: accountTokens.userId });
  return rows[0]?.userId ?? null;
}

/** A password-reset link for `userId`, valid one hour, single use (mail, or shown once to an operator). */
export async function issuePasswordReset(db: Db, userId: number, options: { publicUrl?: string } = {}): Promise<{ token: string; url: string }> {
  const token = await issueAccountToken(db, userId, "password_reset", RESET_TTL_MS);
  return { token, url: `${options.publicUrl ?? ""}/reset-password?token=${token}` };
}
