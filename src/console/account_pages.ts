// Console pages for signing in and out: language switch, login, register, logout.
import { Elysia } from "elysia";
import { authenticate, createSession, deviceOf, registerBody, registerRefusal, registerUser, revokeSession, sendVerificationMail, SESSION_COOKIE, type User } from "../auth/mod.ts";
import { HttpError, parsePayload } from "../http/mod.ts";
import { AuthForm, AuthPage } from "../../views/pages/auth.tsx";
import type { PageContext } from "../../views/types.ts";
import { formErrors } from "./forms.ts";
import { LANG_COOKIE } from "./i18n.ts";
import { redirectTo, safeNext } from "./render.ts";
import { type ConsoleDeps, consoleSession, cookieOptions, YEAR_SECONDS } from "./session.ts";

interface SignInContext {
  page: PageContext;
  request: Request;
  htmx: boolean;
  cookie: Record<string, { set(options: object): unknown }>;
  jwt: { sign(claims: Record<string, string>): Promise<string> };
  set: { status?: number | string; headers: Record<string, unknown> };
  html(value: JSX.Element): string | Response | Promise<string | Response>;
}

/** The account pages. */
export function accountPages(deps: ConsoleDeps) {
  const { database: { db }, config, throttle } = deps;

  /** Logs in the user `getUser` returns (a session cookie, then the dashboard), or shows the form with its errors. */
  async function signIn(c: SignInContext, mode: "login" | "register", values: Record<string, string>, address: string, getUser: () => Promise<User>) {
    try {
      const user = await getUser();
      const session = await createSession(db, user.id, config.sessionTtlHours, deviceOf(c.request, address));
      c.cookie[SESSION_COOKIE]!.set({ value: await c.jwt.sign({ sub: String(user.id), sid: session.id }), ...cookieOptions(config), sameSite: "lax", maxAge: config.sessionTtlHours * 3600 });
      return redirectTo("/dashboard", c.htmx);
    } catch (error) {
      const errors = formErrors(error, values, { t: c.page.t });
      c.set.status = error instanceof HttpError ? error.status : 400;
      if (error instanceof HttpError) Object.assign(c.set.headers, error.headers);
      return c.html(c.htmx ? AuthForm({ ctx: c.page, mode, errors }) : AuthPage({ ctx: c.page, mode, errors }));
    }
  }

  return new Elysia()
    .use(consoleSession(deps))
    .get("/lang", ({ query, cookie }) => {
      const to = query.to === "en" ? "en" : "zh-CN";
      cookie[LANG_COOKIE]!.set({ value: to, path: "/", sameSite: "lax", maxAge: YEAR_SECONDS });
      return redirectTo(safeNext(query.next, "/"), false);
    })
    // ?deleted=1: where deleting the account from the settings page ends.
    .get("/login", ({ page, user, query, html }) => (user ? redirectTo("/dashboard", false) : html(AuthPage({ ctx: page, mode: "login", notice: query.deleted === "1" ? page.t("account.deleted") : undefined }))))
    .get("/register", ({ page, user, html }) => (user ? redirectTo("/dashboard", false) : html(AuthPage({ ctx: page, mode: "register" }))))
    .post("/login", async (c) => {
      const form = c.body as Record<string, string>;
      const values = { email: String(form.email ?? "") };
      const address = deps.clientAddress(c.request, c.server);
      return await signIn(c, "login", values, address, () =>
        authenticate(db, { email: values.email, password: String(form.password ?? ""), address }, { cost: config.passwordCost, throttle }));
    })
    .post("/register", async (c) => {
      const form = c.body as Record<string, string>;
      const values = { email: String(form.email ?? ""), full_name: String(form.full_name ?? "") };
      const address = deps.clientAddress(c.request, c.server);
      return await signIn(c, "register", values, address, async () => {
        // The API's schema checks the form too; a blank name is no name.
        const input = parsePayload(registerBody, { email: values.email, password: String(form.password ?? ""), ...(values.full_name.trim() ? { full_name: values.full_name } : {}) });
        const registered = await registerUser(db, { email: input.email, password: input.password, fullName: input.full_name, address, lang: c.page.lang }, {
          cost: config.passwordCost,
          throttle,
          registrationsPerHour: config.registrationsPerHourPerAddress,
          adminEmails: config.admin.emails,
        });
        if (!registered.ok) throw registerRefusal(registered);
        await sendVerificationMail(db, { mailer: deps.mailer, publicUrl: config.notifications.publicUrl }, registered.user);
        return registered.user;
      });
    })
    .post("/logout", async ({ sessionId, cookie, htmx }) => {
      if (sessionId) await revokeSession(db, sessionId);
      cookie[SESSION_COOKIE]!.remove();
      return redirectTo("/login", htmx);
    });
}
