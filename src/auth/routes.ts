// The accounts API: /api/v1/auth/register, login, me, logout.
import { Elysia } from "elysia";
import type { Database } from "../db/mod.ts";
import { ACCOUNT_ERRORS, HttpError, operation } from "../http/mod.ts";
import type { QuotaCounter } from "../plans/mod.ts";
import { authenticate, type RegisterRefusal, registerUser, userView } from "./accounts.ts";
import { authResponse, loginBody, logoutResponse, registerBody, userSchema } from "./model.ts";
import { accountAuth, tokenPlugin } from "./session_plugin.ts";
import { createSession, revokeSession } from "./sessions.ts";
import type { ThrottleStore } from "../throttle/mod.ts";
import type { PasswordCost } from "./passwords.ts";
import type { Mailer } from "../mail/mod.ts";
import { sendVerificationMail } from "./recovery.ts";

/** What the accounts routes need. */
export interface AuthDeps {
  database: Pick<Database, "db">;
  config: {
    readonly jwtSecret: string;
    readonly sessionTtlHours: number;
    readonly passwordCost: PasswordCost;
    readonly registrationsPerHourPerAddress: number;
    readonly notifications: { readonly publicUrl: string };
    /** ADMIN_EMAILS: these accounts are admins from their registration on; an admin session idle ADMIN_IDLE_MINUTES ends. */
    readonly admin: { readonly emails: readonly string[]; readonly idleMinutes: number };
  };
  /** Queues account mails (verification, reset) in the outbox. */
  mailer: Mailer;
  limits: QuotaCounter;
  /** Login and registration throttles, apart from the call limits. */
  throttle: ThrottleStore;
  /** The caller's address for throttling. */
  clientAddress(request: Request, server: { requestIP(request: Request): { address: string } | null } | null): string;
}

/** The HTTP error for a refused registration (the API and the console show the same). */
export function registerRefusal(refusal: RegisterRefusal): HttpError {
  switch (refusal.code) {
    case "email_taken":
      return new HttpError("bad_request", "Email already registered", { reason: { kind: "email_taken" } });
    case "too_many_registrations":
      return new HttpError("rate_limited", `Too many registrations from this address. Try again in ${refusal.retryAfterSec} seconds.`, { headers: { "retry-after": String(refusal.retryAfterSec) }, reason: { kind: "register_throttled", seconds: refusal.retryAfterSec } });
  }
}

const BODY_ERRORS = { 400: "The body is not a JSON object", 413: "The body is larger than 1 MiB", 422: "A field is missing or invalid (named in the message)" } as const;

/** The language of mails to a user registering through the API: English when asked for first, else zh-CN. */
function mailLang(acceptLanguage: string | undefined): string {
  return acceptLanguage?.trim().toLowerCase().startsWith("en") ? "en" : "zh-CN";
}

/** The device a session is created from, for the sessions list. */
export function deviceOf(request: Request, address: string) {
  return { userAgent: request.headers.get("user-agent"), ip: address };
}

/** The accounts routes. */
export function authRoutes(deps: AuthDeps) {
  const { database: { db }, config, limits, throttle } = deps;
  return new Elysia({ prefix: "/api/v1/auth" })
    .use(tokenPlugin(config.jwtSecret, config.sessionTtlHours))
    .post("/register", async ({ body, jwt, set, request, server }) => {
      const address = deps.clientAddress(request, server);
      const input = { email: body.email, password: body.password, fullName: body.full_name, address, lang: mailLang(request.headers.get("accept-language") ?? undefined) };
      const registered = await registerUser(db, input, { cost: config.passwordCost, throttle, registrationsPerHour: config.registrationsPerHourPerAddress, adminEmails: config.admin.emails });
      if (!registered.ok) throw registerRefusal(registered);
      await sendVerificationMail(db, { mailer: deps.mailer, publicUrl: config.notifications.publicUrl }, registered.user);
      const session = await createSession(db, registered.user.id, config.sessionTtlHours, deviceOf(request, address));
      set.status = 201;
      return { access_token: await jwt.sign({ sub: String(registered.user.id), sid: session.id }), token_type: "bearer" as const, user: await userView(limits, registered.user) };
    }, {
      body: registerBody,
      response: { 201: authResponse },
      detail: operation({ operationId: "register", summary: "Create an account", tag: "accounts", access: "public", success: { status: 201, description: "Created: the account and an access token" }, errors: { ...BODY_ERRORS, 400: "Email already registered, or the body is not JSON", 429: "Too many registrations from this address" } }),
    })
    .post("/login", async ({ body, jwt, request, server }) => {
      const address = deps.clientAddress(request, server);
      const user = await authenticate(db, { email: body.email, password: body.password, address }, { cost: config.passwordCost, throttle });
      const session = await createSession(db, user.id, config.sessionTtlHours, deviceOf(request, address));
      return { access_token: await jwt.sign({ sub: String(user.id), sid: session.id }), token_type: "bearer" as const, user: await userView(limits, user) };
    }, {
      body: loginBody,
      response: { 200: authResponse },
      detail: operation({ operationId: "login", summary: "Log in", tag: "accounts", access: "public", errors: { ...BODY_ERRORS, 401: "Incorrect email or password", 403: "Account is disabled", 429: "Too many failed login attempts" } }),
    })
    .use(accountAuth(db, config.jwtSecret, config.sessionTtlHours, { adminIdleMinutes: config.admin.idleMinutes }))
    .get("/me", ({ account }) => userView(limits, account.user), {
      response: { 200: userSchema },
      detail: operation({ operationId: "getCurrentUser", summary: "The signed-in user, with this month's quota use", tag: "accounts", access: "account", errors: ACCOUNT_ERRORS }),
    })
    .post("/logout", async ({ account }) => {
      await revokeSession(db, account.sessionId);
      return { message: "Successfully logged out" as const };
    }, {
      response: { 200: logoutResponse },
      detail: operation({ operationId: "logout", summary: "End the session: the token stops working", tag: "accounts", access: "account", errors: ACCOUNT_ERRORS }),
    });
}
