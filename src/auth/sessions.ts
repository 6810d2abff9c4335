// Server-side sessions behind signed tokens: logging out revokes the session, so its token stops working.
import { randomBytes } from "node:crypto";
import { and, desc, eq, gt, isNull, lt, ne } from "drizzle-orm";
import type { Db } from "../db/mod.ts";
import { sessions } from "../db/schema/mod.ts";

export interface SessionClaims {
  sub: string;
  sid: string;
}

export type Session = typeof sessions.$inferSelect;

/** Creates a session for `userId` lasting `ttlHours`, remembering the device and address it came from. */
export async function createSession(db: Db, userId: number, ttlHours: number, device: { userAgent?: string | null; ip?: string | null } = {}): Promise<{ id: string; expiresAt: Date }> {
  const id = randomBytes(24).toString("base64url");
  const expiresAt = new Date(Date.now() + ttlHours * 3600_000);
  await db.insert(sessions).values({ id, userId, expiresAt, userAgent: device.userAgent?.slice(0, 300) ?? null, ip: device.ip?.slice(0, 64) ?? null });
  return { id, expiresAt };
}

const SEEN_EVERY_MS = 60_000;

/** The user id of a live session (not revoked, not expired), or null; refreshes its last-seen time at most once a minute. */
export async function liveSessionUser(db: Db, sessionId: string): Promise<number | null> {
  const rows = await db.select({ userId: sessions.userId, lastSeenAt: sessions.lastSeenAt }).from(sessions)
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date()))).limit(1);
  const row = rows[0];
  if (row && Date.now() - row.lastSeenAt.getTime() > SEEN_EVERY_MS) {
    db.update(sessions).set({ lastSeenAt: new Date() }).where(and(eq(sessions.id, sessionId), lt(sessions.lastSeenAt, new Date(Date.now() - SEEN_EVERY_MS)))).catch(() => {});
  }
  return row?.userId ?? null;
}

/** Revokes a session; later requests with its token get 401. */
export async function revokeSession(db: Db, sessionId: string): Promise<void> {
  await db.update(sessions).set({ revokedAt: new Date() }).where(eq(sessions.id, sessionId));
}

/** The user's live sessions, most recently seen first. */
export async function listSessions(db: Db, userId: number): Promise<Session[]> {
  return await db.select().from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date())))
    .orderBy(desc(sessions.lastSeenAt), desc(sessions.createdAt));
}

/** Ends one of the user's live sessions; false when it is not theirs (or not live). */
export async function endUserSession(db: Db, userId: number, sessionId: string): Promise<boolean> {
  const rows = await db.update(sessions).set({ revokedAt: new Date() })
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt))).returning({ id: sessions.id });
  return rows.length > 0;
}

/** Ends every session of the user except `keep` (none when null). */
export async function endOtherSessions(db: Db, userId: number, keep: string | null): Promise<void> {
  const mine = and(eq(sessions.userId, userId), isNull(sessions.revokedAt));
  await db.update(sessions).set({ revokedAt: new Date() }).where(keep === null ? mine : and(mine, ne(sessions.id, keep)));
}
