// The account-care API: verify email, forgot/reset/change password, sessions, account deletion (/api/v1/auth/...).
import { Elysia } from "elysia";
import { ACCOUNT_ERRORS, HttpError, operation } from "../http/mod.ts";
import type { Logger } from "../log.ts";
import { changePasswordBody, deleteAccountBody, forgotBody, messageResponse, resetBody, sessionIdParams, sessionListSchema, verifyEmailBody } from "./model.ts";
import { requestPasswordReset, resendVerification, resetPassword, verifyEmail } from "./recovery.ts";
import type { AuthDeps } from "./routes.ts";
import { accountAuth } from "./session_plugin.ts";
import { endUserSession, listSessions, type Session } from "./sessions.ts";
import { changePassword, deleteAccount } from "./settings.ts";

/** What the account-care routes need beyond the accounts routes'. */
export interface AccountCareDeps extends AuthDeps {
  log: Logger;
  onKeyRevoked(keyHash: string): void;
  onUserChanged(userId: number): void;
}

const BODY_ERRORS = { 400: "The body is not a JSON object", 413: "The body is larger than 1 MiB", 422: "A field is missing or invalid (named in the message)" } as const;
export const INVALID_TOKEN = "Invalid or expired token";

/** A session as the API lists it. */
export function sessionView(session: Session, currentId: string) {
  return {
    id: session.id,
    created_at: session.createdAt.toISOString(),
    last_seen_at: session.lastSeenAt.toISOString(),
    user_agent: session.userAgent,
    ip: session.ip,
    current: session.id === currentId,
  };
}

/** The account-care routes. */
export function accountCareRoutes(deps: AccountCareDeps) {
  const { database: { db }, config, throttle } = deps;
  const mail = { mailer: deps.mailer, publicUrl: config.notifications.publicUrl };
  return new Elysia({ prefix: "/api/v1/auth" })
    .post("/password/forgot", async ({ body, request, server, set }) => {
      const started = await requestPasswordReset(db, mail, { email: body.email, address: deps.clientAddress(request, server) }, {
        throttle,
        onError: (error) => deps.log.error("password reset mail failed", { error }),
      });
      if (!started.ok) throw new HttpError("rate_limited", `Too many password reset requests from this address. Try again in ${started.retryAfterSec} seconds.`, { headers: { "retry-after": String(started.retryAfterSec) }, reason: { kind: "reset_throttled", seconds: started.retryAfterSec } });
      set.status = 202;
      return { message: "If an account uses this address, a reset link is on its way." };
    }, {
      body: forgotBody,
      response: { 202: messageResponse },
      detail: operation({ operationId: "forgotPassword", summary: "Mail a password reset link (202 whether or not the account exists)", tag: "accounts", access: "public", success: { status: 202, description: "Accepted" }, errors: { ...BODY_ERRORS, 429: "Too many requests from this address" } }),
    })
    .post("/password/reset", async ({ body }) => {
      if (!(await resetPassword(db, { token: body.token, password: body.password }, config.passwordCost))) throw new HttpError("bad_request", INVALID_TOKEN);
      return { message: "Password changed. Every session was ended: log in again." };
    }, {
      body: resetBody,
      response: { 200: messageResponse },
      detail: operation({ operationId: "resetPassword", summary: "Set a new password with the mailed token; every session ends", tag: "accounts", access: "public", errors: { ...BODY_ERRORS, 400: "Invalid or expired token, or the body is not JSON" } }),
    })
    .post("/verify-email", async ({ body }) => {
      if (!(await verifyEmail(db, body.token))) throw new HttpError("bad_request", INVALID_TOKEN);
      return { message: "Email verified" };
    }, {
      body: verifyEmailBody,
      response: { 200: messageResponse },
      detail: operation({ operationId: "verifyEmail", summary: "Verify the email address with the mailed token", tag: "accounts", access: "public", errors: { ...BODY_ERRORS, 400: "Invalid or expired token, or the body is not JSON" } }),
    })
    .use(accountAuth(db, config.jwtSecret, config.sessionTtlHours, { adminIdleMinutes: config.admin.idleMinutes }))
    .post("/verify-email/resend", async ({ account, set }) => {
      const sent = await resendVerification(db, mail, account.user, throttle);
      if (!sent.ok && sent.code === "already_verified") throw new HttpError("bad_request", "Email already verified");
      if (!sent.ok && sent.code === "too_many") throw new HttpError("rate_limited", `Too many verification mails. Try again in ${sent.retryAfterSec} seconds.`, { headers: { "retry-after": String(sent.retryAfterSec) }, reason: { kind: "verify_throttled", seconds: sent.retryAfterSec } });
      set.status = 202;
      return { message: "Verification mail sent" };
    }, {
      response: { 202: messageResponse },
      detail: operation({ operationId: "resendVerification", summary: "Send the verification mail again (3 an hour)", tag: "accounts", access: "account", success: { status: 202, description: "Accepted" }, errors: { ...ACCOUNT_ERRORS, 400: "Email already verified", 429: "Too many verification mails" } }),
    })
    .post("/password/change", async ({ account, body }) => {
      const changed = await changePassword(db, account, { current: body.current_password, next: body.new_password }, config.passwordCost);
      if (!changed.ok) throw new HttpError("bad_request", "Cannot change the password: the current password is incorrect");
      return { message: "Password changed. Your other sessions were ended." };
    }, {
      body: changePasswordBody,
      response: { 200: messageResponse },
      detail: operation({ operationId: "changePassword", summary: "Change the password (current one required); other sessions end", tag: "accounts", access: "account", errors: { ...ACCOUNT_ERRORS, ...BODY_ERRORS, 400: "The current password is incorrect, or the body is not JSON" } }),
    })
    .get("/sessions", async ({ account }) => ({ sessions: (await listSessions(db, account.user.id)).map((s) => sessionView(s, account.sessionId)) }), {
      response: { 200: sessionListSchema },
      detail: operation({ operationId: "listSessions", summary: "Your live sessions: device, address, last seen", tag: "accounts", access: "account", errors: ACCOUNT_ERRORS }),
    })
    .delete("/sessions/:id", async ({ account, params, set }) => {
      // Session ids are base64url: anything else (a NUL the database would refuse) is simply no session of yours.
      if (!/^[\w-]{1,64}$/.test(params.id) || !(await endUserSession(db, account.user.id, params.id))) throw new HttpError("not_found", "Session not found");
      set.status = 204;
      return null;
    }, {
      params: sessionIdParams,
      detail: operation({ operationId: "endSession", summary: "End one of your sessions", tag: "accounts", access: "account", success: { status: 204, description: "Ended" }, errors: { ...ACCOUNT_ERRORS, 404: "Session not found (also for another user's)" } }),
    })
    .delete("/me", async ({ account, body, set }) => {
      const deleted = await deleteAccount(db, account.user, body.password);
      if (!deleted.ok && deleted.code === "last_admin") {
        throw new HttpError("conflict", "Cannot delete the account of the last admin: promote another admin first", { reason: { kind: "last_admin" } });
      }
      if (!deleted.ok) throw new HttpError("bad_request", "Cannot delete the account: the password is incorrect");
      for (const keyHash of deleted.revokedKeyHashes) deps.onKeyRevoked(keyHash);
      deps.onUserChanged(account.user.id);
      set.status = 204;
      return null;
    }, {
      body: deleteAccountBody,
      detail: operation({ operationId: "deleteAccount", summary: "Delete your account: keys revoked, personal data erased", tag: "accounts", access: "account", success: { status: 204, description: "Deleted" }, errors: { ...ACCOUNT_ERRORS, ...BODY_ERRORS, 400: "The password is incorrect, or the body is not JSON", 409: "Cannot delete the account of the last admin" } }),
    });
}
