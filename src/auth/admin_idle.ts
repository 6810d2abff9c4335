// An admin session's shorter idle timeout (ADMIN_IDLE_MINUTES): checked on every signed-in request of an admin.
import { eq } from "drizzle-orm";
import type { Db } from "../db/mod.ts";
import { adminSessionActivity, sessions } from "../db/schema/mod.ts";
import { revokeSession } from "./sessions.ts";

// Activity is written at most this often per session, so browsing admin pages is not a write per request.
const TOUCH_EVERY_MS = 15_000;

/**
 * Records an admin session's activity; "expired" (and the session revoked) when it was idle longer than `idleMinutes`.
 * A session with no admin activity yet counts from its creation.
 */
export async function touchAdminSession(db: Db, sessionId: string, idleMinutes: number, now = new Date()): Promise<"ok" | "expired"> {
  const rows = await db.select({ lastSeenAt: adminSessionActivity.lastSeenAt }).from(adminSessionActivity).where(eq(adminSessionActivity.sessionId, sessionId)).limit(1);
  let last = rows[0]?.lastSeenAt;
  if (!last) last = (await db.select({ createdAt: sessions.createdAt }).from(sessions).where(eq(sessions.id, sessionId)).limit(1))[0]?.createdAt;
  if (!last || now.getTime() - last.getTime() > idleMinutes * 60_000) {
    await revokeSession(db, sessionId);
    return "expired";
  }
  if (!rows[0] || now.getTime() - last.getTime() > TOUCH_EVERY_MS) {
    await db.insert(adminSessionActivity).values({ sessionId, lastSeenAt: now })
      .onConflictDoUpdate({ target: adminSessionActivity.sessionId, set: { lastSeenAt: now } });
  }
  return "ok";
}
