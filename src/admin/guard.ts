// Who may use admin routes: a signed-in admin whose session has not been idle longer than ADMIN_IDLE_MINUTES.
import { Elysia } from "elysia";
import { accountFromClaims, presentedToken, tokenPlugin, type User } from "../auth/mod.ts";
import type { Db } from "../db/mod.ts";
import { HttpError } from "../http/mod.ts";
import type { Actor } from "./audit.ts";
import { isAdmin } from "./users.ts";

export const ADMIN_REQUIRED = "Admin access required";

/** Guards admin API routes: 401 without a valid token, 403 "Admin access required" for everyone but admins. */
export function adminAuth(db: Db, config: { readonly jwtSecret: string; readonly sessionTtlHours: number; readonly admin: { readonly idleMinutes: number } }) {
  return new Elysia({ name: "admin-auth", seed: config.jwtSecret })
    .use(tokenPlugin(config.jwtSecret, config.sessionTtlHours))
    .derive({ as: "scoped" }, async ({ jwt, headers }): Promise<{ admin: User; actor: Actor }> => {
      const token = presentedToken(headers);
      if (!token) throw new HttpError("unauthorized", "Not authenticated");
      const account = await accountFromClaims(db, await jwt.verify(token), { adminIdleMinutes: config.admin.idleMinutes }).catch((error) => {
        // A disabled account is no admin either.
        if (error instanceof HttpError && error.code === "forbidden") throw new HttpError("forbidden", ADMIN_REQUIRED);
        throw error;
      });
      if (!isAdmin(account.user)) throw new HttpError("forbidden", ADMIN_REQUIRED);
      return { admin: account.user, actor: { id: account.user.id, email: account.user.email, channel: "api" } };
    });
}
