// Server-side sessions behind signed tokens: logging out revokes the session, so its token stops working.
import { randomBytes } from "node:crypto";
import { and, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "../db/mod.ts";
import { sessions } from "../db/schema/mod.ts";

export interface SessionClaims {
  sub: string;
  sid: string;
}

/** Creates a session for `userId` lasting `ttlHours`. */
export async function createSession(db: Db, userId: number, ttlHours: number): Promise<{ id: string; expiresAt: Date }> {
  const id = randomBytes(24).toString("base64url");
  const expiresAt = new Date(Date.now() + ttlHours * 3600_000);
  await db.insert(sessions).values({ id, userId, expiresAt });
  return { id, expiresAt };
}

/** The user id of a live session (not revoked, not expired), or null. */
export async function liveSessionUser(db: Db, sessionId: string): Promise<number | null> {
  const rows = await db.select({ userId: sessions.userId }).from(sessions)
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date()))).limit(1);
  return rows[0]?.userId ?? null;
}

/** Revokes a session; later requests with its token get 401. */
export async function revokeSession(db: Db, sessionId: string): Promise<void> {
  await db.update(sessions).set({ revokedAt: new Date() }).where(eq(sessions.id, sessionId));
}
