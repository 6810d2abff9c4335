// Resolves the signed-in user from a bearer token or the console's session cookie.
import { jwt } from "@elysiajs/jwt";
import { Elysia } from "elysia";
import type { Db } from "../db/mod.ts";
import { HttpError } from "../http/errors.ts";
import { touchAdminSession } from "./admin_idle.ts";
import { liveSessionUser } from "./sessions.ts";
import { findUserById, type User } from "./users.ts";

export const SESSION_COOKIE = "aihub_session";

export interface Account {
  user: User;
  sessionId: string;
}

/** The token signer, shared by the routes that issue tokens and the guard that reads them. */
export function tokenPlugin(secret: string, ttlHours: number) {
  return new Elysia({ name: "tokens", seed: secret }).use(jwt({ name: "jwt", secret, exp: `${ttlHours}h` }));
}

/**
 * Finds the bearer token of an API request. The console's cookie is deliberately not accepted here:
 * the JSON API has no CSRF token, so a cookie-authenticated API call could be forged from another site.
 */
export function presentedToken(headers: Record<string, string | undefined>): string | null {
  const auth = headers.authorization;
  if (auth?.toLowerCase().startsWith("bearer ")) return auth.slice(7).trim() || null;
  return null;
}

/** What every signed-in request checks beyond the session: an admin's idle timeout (ADMIN_IDLE_MINUTES). */
export interface SessionPolicy {
  adminIdleMinutes?: number;
}

/** Loads the account behind a verified token's claims; throws 401 (an idle admin session too) or 403. */
export async function accountFromClaims(db: Db, claims: false | Record<string, unknown>, policy: SessionPolicy = {}): Promise<Account> {
  if (!claims || typeof claims.sid !== "string") throw new HttpError("unauthorized", "Could not validate credentials");
  const userId = await liveSessionUser(db, claims.sid);
  if (userId === null || String(userId) !== String(claims.sub)) throw new HttpError("unauthorized", "Could not validate credentials");
  const user = await findUserById(db, userId);
  if (!user) throw new HttpError("unauthorized", "Could not validate credentials");
  if (!user.isActive) throw new HttpError("forbidden", "Account is disabled", { reason: { kind: "account_disabled" } });
  // An admin's session ends after the shorter idle timeout wherever it is used, not only on admin routes.
  if (policy.adminIdleMinutes && user.role === "admin" && await touchAdminSession(db, claims.sid, policy.adminIdleMinutes) === "expired") {
    throw new HttpError("unauthorized", `Admin session expired after ${policy.adminIdleMinutes} minutes without activity; log in again`);
  }
  return { user, sessionId: claims.sid };
}

/** Guards routes with account auth; handlers receive `account`. */
export function accountAuth(db: Db, secret: string, ttlHours: number, policy: SessionPolicy = {}) {
  return new Elysia({ name: "account-auth", seed: secret })
    .use(tokenPlugin(secret, ttlHours))
    .derive({ as: "scoped" }, async ({ jwt, headers }) => {
      const token = presentedToken(headers);
      if (!token) throw new HttpError("unauthorized", "Not authenticated");
      return { account: await accountFromClaims(db, await jwt.verify(token), policy) };
    });
}
