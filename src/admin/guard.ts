// Who may use admin routes: a signed-in admin whose session has not been idle longer than ADMIN_IDLE_MINUTES.
import { eq } from "drizzle-orm";
import { Elysia } from "elysia";
import { accountFromClaims, presentedToken, revokeSession, tokenPlugin, type User } from "../auth/mod.ts";
import type { Db } from "../db/mod.ts";
import { adminSessionActivity, sessions } from "../db/schema/mod.ts";
import { HttpError } from "../http/mod.ts";
import type { Actor } from "./audit.ts";
import { isAdmin } from "./users.ts";

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

export const ADMIN_REQUIRED = "Admin access required";

/** Guards admin API routes: 401 without a valid token, 403 "Admin access required" for everyone but admins. */
export function adminAuth(db: Db, config: { readonly jwtSecret: string; readonly sessionTtlHours: number; readonly admin: { readonly idleMinutes: number } }) {
  return new Elysia({ name: "admin-auth", seed: config.jwtSecret })
    .use(tokenPlugin(config.jwtSecret, config.sessionTtlHours))
    .derive({ as: "scoped" }, async ({ jwt, headers }): Promise<{ admin: User; actor: Actor }> => {
      const token = presentedToken(headers);
      if (!token) throw new HttpError("unauthorized", "Not authenticated");
      const account = await accountFromClaims(db, await jwt.verify(token)).catch((error) => {
        // A disabled account is no admin either.
        if (error instanceof HttpError && error.code === "forbidden") throw new HttpError("forbidden", ADMIN_REQUIRED);
        throw error;
      });
      if (!isAdmin(account.user)) throw new HttpError("forbidden", ADMIN_REQUIRED);
      if (await touchAdminSession(db, account.sessionId, config.admin.idleMinutes) === "expired") {
        throw new HttpError("unauthorized", `Admin session expired after ${config.admin.idleMinutes} minutes without activity; log in again`);
      }
      return { admin: account.user, actor: { id: account.user.id, email: account.user.email, channel: "api" } };
    });
}
