// The accounts API: /api/v1/auth/register, login, me, logout.
import { Elysia } from "elysia";
import type { Database } from "../db/mod.ts";
import type { QuotaCounter } from "../plans/mod.ts";
import { authenticate, registerUser, userView } from "./accounts.ts";
import { loginBody, registerBody } from "./model.ts";
import { accountAuth, tokenPlugin } from "./session_plugin.ts";
import { createSession, revokeSession } from "./sessions.ts";
import type { ThrottleStore } from "../throttle/mod.ts";
import type { PasswordCost } from "./passwords.ts";

/** What the accounts routes need. */
export interface AuthDeps {
  database: Pick<Database, "db">;
  config: { readonly jwtSecret: string; readonly sessionTtlHours: number; readonly passwordCost: PasswordCost; readonly registrationsPerHourPerAddress: number };
  limits: QuotaCounter;
  /** Login and registration throttles, apart from the call limits. */
  throttle: ThrottleStore;
  /** The caller's address for throttling. */
  clientAddress(request: Request, server: { requestIP(request: Request): { address: string } | null } | null): string;
}

/** The accounts routes. */
export function authRoutes(deps: AuthDeps) {
  const { database: { db }, config, limits, throttle } = deps;
  return new Elysia({ prefix: "/api/v1/auth" })
    .use(tokenPlugin(config.jwtSecret, config.sessionTtlHours))
    .post("/register", async ({ body, jwt, set, request, server }) => {
      const input = { email: body.email, password: body.password, fullName: body.full_name, address: deps.clientAddress(request, server) };
      const user = await registerUser(db, input, { cost: config.passwordCost, throttle, registrationsPerHour: config.registrationsPerHourPerAddress });
      const session = await createSession(db, user.id, config.sessionTtlHours);
      set.status = 201;
      return { access_token: await jwt.sign({ sub: String(user.id), sid: session.id }), token_type: "bearer", user: await userView(limits, user) };
    }, { body: registerBody })
    .post("/login", async ({ body, jwt, request, server }) => {
      const user = await authenticate(db, { email: body.email, password: body.password, address: deps.clientAddress(request, server) }, { cost: config.passwordCost, throttle });
      const session = await createSession(db, user.id, config.sessionTtlHours);
      return { access_token: await jwt.sign({ sub: String(user.id), sid: session.id }), token_type: "bearer", user: await userView(limits, user) };
    }, { body: loginBody })
    .use(accountAuth(db, config.jwtSecret, config.sessionTtlHours))
    .get("/me", ({ account }) => userView(limits, account.user))
    .post("/logout", async ({ account }) => {
      await revokeSession(db, account.sessionId);
      return { message: "Successfully logged out" };
    });
}
