// The web console: server-rendered pages (JSX, @kitajs/html), enhanced by htmx, working without JavaScript too.
import { Elysia } from "elysia";
import { type AuthDeps, accountFromClaims, authenticate, createSession, registerBody, registerRefusal, registerUser, revokeSession, SESSION_COOKIE, tokenPlugin, type User } from "../auth/mod.ts";
import { isDatabaseUnavailable } from "../db/mod.ts";
import { rateLimitCeiling } from "../plans/mod.ts";
import { HttpError, parsePayload } from "../http/mod.ts";
import { createApiKey, createKeyBody, isExpired, keyRefusal, type KeysDeps, listApiKeys, revokeApiKey, type ApiKey, verifyOwnedKey } from "../keys/mod.ts";
import { parseSeedChat } from "../chat/mod.ts";
import { type GatewayDeps, runCall, seedChatPlan, startCall } from "../gateway/mod.ts";
import { currentUsage, monthTotals, parseDays, recentCalls, usageBreakdown, usageHistory } from "../usage/mod.ts";
import { plainHost, requestPath } from "../http/request_path.ts";
import { AuthForm, AuthPage } from "../../views/pages/auth.tsx";
import { DashboardPage } from "../../views/pages/dashboard.tsx";
import { ConfirmRevokePage, KeysPage } from "../../views/pages/keys.tsx";
import { KeysSection, KeyTableRow } from "../../views/partials/keys.tsx";
import { PlaygroundPage } from "../../views/pages/playground.tsx";
import { ReferencePage } from "../../views/pages/reference.tsx";
import { UsagePage, UsagePeriod } from "../../views/pages/usage.tsx";
import { CSRF_COOKIE, CSRF_FIELD, csrfToken, csrfValid, newPreSession, sameOrigin } from "./csrf.ts";
import { LANG_COOKIE, pickLang, translator } from "./i18n.ts";
import { htmlResponse, isHtmx, redirectTo, safeNext } from "./render.ts";
import type { FormErrors, KeyRow, PageContext } from "../../views/types.ts";

const YEAR = 365 * 24 * 3600;

function keyRow(key: ApiKey): KeyRow {
  return {
    id: key.id,
    name: key.name,
    description: key.description,
    prefix: key.keyPrefix,
    status: !key.isActive ? "revoked" : isExpired(key) ? "expired" : "active",
    rateLimit: key.rateLimit,
    totalRequests: key.totalRequests,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
  };
}

/** Form errors from a service failure: a field's message next to it, anything else above the form. */
function formErrors(error: unknown, values: Record<string, string>): FormErrors {
  if (!(error instanceof HttpError)) throw error;
  const field = error.param?.split(/[.[]/)[0];
  return field && error.code === "validation" ? { fields: { [field]: error.message }, values } : { form: error.message, values };
}

/** What the console needs: the accounts, keys and gateway features' deps, and whether cookies are Secure. */
export type ConsoleDeps = AuthDeps & KeysDeps & GatewayDeps & { config: { readonly secureCookies: boolean; readonly publicOrigin: string | null; readonly port: number } };

/** The console routes. */
export function consoleRoutes(deps: ConsoleDeps) {
  const { database: { db }, config, limits, throttle } = deps;
  const cookieOptions = { httpOnly: true, path: "/", secure: config.secureCookies } as const;

  return new Elysia()
    .use(tokenPlugin(config.jwtSecret, config.sessionTtlHours))
    .derive(async ({ cookie, headers, jwt, request }) => {
      const lang = pickLang(cookie[LANG_COOKIE]?.value as string | undefined, headers["accept-language"] ?? null);
      let preSession = cookie[CSRF_COOKIE]?.value as string | undefined;
      if (typeof preSession !== "string" || preSession.length < 20) {
        preSession = newPreSession();
        cookie[CSRF_COOKIE]!.set({ value: preSession, ...cookieOptions, sameSite: "strict", maxAge: YEAR });
      }
      let user: User | null = null;
      let sessionId: string | null = null;
      const token = cookie[SESSION_COOKIE]?.value as string | undefined;
      if (token) {
        try {
          const account = await accountFromClaims(db, await jwt.verify(token));
          user = account.user;
          sessionId = account.sessionId;
        } catch (error) {
          // An outage is not a bad session: keep the cookie and let the error handler answer 503.
          if (isDatabaseUnavailable(error)) throw error;
          cookie[SESSION_COOKIE]!.remove();
        }
      }
      const csrf = csrfToken(config.jwtSecret, { sessionId, preSession });
      const ctx: PageContext = {
        t: translator(lang),
        lang,
        csrf,
        path: requestPath(request),
        user: user ? { email: user.email, fullName: user.fullName, plan: user.plan } : null,
      };
      return { page: ctx, user, sessionId, htmx: isHtmx(headers), csrf };
    })
    // Every state-changing console request comes from the hub's own pages and carries its session's CSRF token.
    .onBeforeHandle(({ request, body, csrf, page, htmx }) => {
      if (request.method !== "POST") return;
      const submitted = (body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
      if (!sameOrigin(request.headers, config.publicOrigin) || !csrfValid(csrf, submitted)) {
        const message = page.t("error.csrf");
        return htmx ? htmlResponse(`<p class="alert" role="alert">${Bun.escapeHTML(message)}</p>`, 403) : htmlResponse(`<!doctype html><meta charset="utf-8"><title>403</title><p>${Bun.escapeHTML(message)}</p><p><a href="/">AI Hub</a></p>`, 403);
      }
    })
    .get("/", ({ user }) => redirectTo(user ? "/dashboard" : "/login", false))
    .get("/lang", ({ query, cookie }) => {
      const to = query.to === "en" ? "en" : "zh-CN";
      cookie[LANG_COOKIE]!.set({ value: to, path: "/", sameSite: "lax", maxAge: YEAR });
      return redirectTo(safeNext(query.next, "/"), false);
    })
    .get("/login", ({ page, user }) => (user ? redirectTo("/dashboard", false) : htmlResponse(AuthPage({ ctx: page, mode: "login" }) as string)))
    .get("/register", ({ page, user }) => (user ? redirectTo("/dashboard", false) : htmlResponse(AuthPage({ ctx: page, mode: "register" }) as string)))
    .post("/login", async ({ body, page, htmx, cookie, jwt, request, server }) => {
      const form = body as Record<string, string>;
      const values = { email: String(form.email ?? "") };
      return await signIn({ page, htmx, cookie, jwt, mode: "login", values }, () =>
        authenticate(db, { email: values.email, password: String(form.password ?? ""), address: deps.clientAddress(request, server) }, { cost: config.passwordCost, throttle }));
    })
    .post("/register", async ({ body, page, htmx, cookie, jwt, request, server }) => {
      const form = body as Record<string, string>;
      const values = { email: String(form.email ?? ""), full_name: String(form.full_name ?? "") };
      return await signIn({ page, htmx, cookie, jwt, mode: "register", values }, async () => {
        // The API's schema checks the form too; a blank name is no name.
        const input = parsePayload(registerBody, { email: values.email, password: String(form.password ?? ""), ...(values.full_name.trim() ? { full_name: values.full_name } : {}) });
        const registered = await registerUser(db, { email: input.email, password: input.password, fullName: input.full_name, address: deps.clientAddress(request, server) }, {
          cost: config.passwordCost,
          throttle,
          registrationsPerHour: config.registrationsPerHourPerAddress,
        });
        if (!registered.ok) throw registerRefusal(registered);
        return registered.user;
      });
    })
    .post("/logout", async ({ sessionId, cookie, htmx }) => {
      if (sessionId) await revokeSession(db, sessionId);
      cookie[SESSION_COOKIE]!.remove();
      return redirectTo("/login", htmx);
    })
    // Everything below needs a signed-in user.
    .onBeforeHandle(({ user, htmx, page }) => {
      if (!user && !["/", "/lang", "/login", "/register", "/logout"].includes(page.path)) return redirectTo("/login", htmx);
    })
    .get("/dashboard", async ({ page, user }) => {
      const u = user!;
      const [usage, month, recent] = await Promise.all([currentUsage(limits, u), monthTotals(db, u.id), recentCalls(db, u.id, { limit: 10 })]);
      return htmlResponse(DashboardPage({
        ctx: page,
        plan: u.plan,
        quota: { used: usage.quota_used, total: usage.quota_total, resetAt: usage.quota_reset_at },
        month,
        recent: recent.map((c) => ({ createdAt: c.createdAt.toISOString(), endpoint: c.endpoint, model: c.model, status: c.status, outcome: c.outcome, tokens: c.promptTokens + c.completionTokens, tokensEstimated: c.tokensEstimated, cost: c.cost, latencyMs: c.latencyMs, keyName: c.keyName })),
        noUpstream: config.upstreams.length === 0,
      }) as string);
    })
    .get("/keys", async ({ page, user }) => {
      const keys = (await listApiKeys(db, user!.id)).map(keyRow);
      return htmlResponse(KeysPage({ ctx: page, keys, maxRate: rateLimitCeiling(user!) }) as string);
    })
    .post("/keys", async ({ page, user, body, htmx }) => {
      const form = body as Record<string, string>;
      const values = { name: String(form.name ?? ""), description: String(form.description ?? ""), rate_limit: String(form.rate_limit ?? ""), expires_in_days: String(form.expires_in_days ?? "") };
      let created: { secret: string; name: string } | undefined;
      let errors: FormErrors | undefined;
      try {
        // The API's schema checks the form too: blank fields are absent, numbers are read as numbers.
        const input = parsePayload(createKeyBody, {
          name: values.name,
          ...(values.description.trim() ? { description: values.description } : {}),
          ...(values.rate_limit.trim() ? { rate_limit: Number(values.rate_limit) } : {}),
          ...(values.expires_in_days.trim() ? { expires_in_days: Number(values.expires_in_days) } : {}),
        });
        const made = await createApiKey(db, user!.id, { name: input.name, description: input.description, rateLimit: input.rate_limit, expiresInDays: input.expires_in_days });
        if (!made.ok) throw keyRefusal(made);
        created = { secret: made.secret, name: made.key.name };
      } catch (error) {
        errors = formErrors(error, values);
      }
      const keys = (await listApiKeys(db, user!.id)).map(keyRow);
      const props = { ctx: page, keys, maxRate: rateLimitCeiling(user!), errors, created };
      const status = errors ? 422 : 200;
      return htmlResponse((htmx ? KeysSection(props) : KeysPage(props)) as string, status);
    })
    .post("/keys/:id/revoke", async ({ page, user, params, body, htmx }) => {
      const id = Number(params.id);
      const keys = await listApiKeys(db, user!.id);
      const key = keys.find((k) => k.id === id);
      if (!key) return htmlResponse(`<p class="alert" role="alert">${Bun.escapeHTML("API key not found")}</p>`, 404);
      const confirmed = htmx || (body as Record<string, string>).confirm === "yes";
      if (!confirmed) return htmlResponse(ConfirmRevokePage({ ctx: page, item: keyRow(key) }) as string);
      const revoked = await revokeApiKey(db, user!.id, id);
      if (revoked.ok) deps.onKeyRevoked(revoked.key.keyHash);
      return htmx ? htmlResponse(KeyTableRow({ ctx: page, item: keyRow(revoked.ok ? revoked.key : key) }) as string) : redirectTo("/keys", false);
    })
    .get("/usage", async ({ page, user, query, htmx }) => {
      let days = 30;
      try {
        days = parseDays(query.days, 30);
      } catch {}
      const [history, breakdown, usage] = await Promise.all([usageHistory(db, user!.id, days), usageBreakdown(db, user!.id, days), currentUsage(limits, user!)]);
      const props = {
        ctx: page,
        days,
        points: history.daily_usage,
        byKey: breakdown.byKey.map((r) => ({ label: r.name, sub: `${r.prefix}…`, requests: r.requests, tokens: r.tokens, cost: r.cost })),
        byModel: breakdown.byModel.map((r) => ({ label: r.model || "—", requests: r.requests, tokens: r.tokens, cost: r.cost })),
        quota: { used: usage.quota_used, total: usage.quota_total, resetAt: usage.quota_reset_at },
      };
      return htmlResponse((htmx ? UsagePeriod(props) : UsagePage(props)) as string);
    })
    .get("/usage.csv", async ({ user, query }) => {
      let days = 30;
      try {
        days = parseDays(query.days, 30);
      } catch {}
      const history = await usageHistory(db, user!.id, days);
      const lines = ["date,requests,tokens,cost_usd", ...history.daily_usage.map((d, i) => `${d.date},${d.requests},${history.daily_tokens[i]},${d.cost.toFixed(9)}`)];
      return new Response(lines.join("\n") + "\n", { headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="ai-hub-usage-${days}d.csv"` } });
    })
    .get("/playground", async ({ page, user }) => htmlResponse(PlaygroundPage(await playgroundProps(page, user!, {})) as string))
    .post("/playground", async ({ page, user, body, request }) => {
      const form = body as Record<string, string>;
      const selected = { keyId: Number(form.key_id), model: String(form.model ?? ""), message: String(form.message ?? "") };
      try {
        const response = await playgroundCall(user!, selected, false, request.signal);
        const json = await response.json() as { response: string; model: string; tokens_used: number; cost: number };
        return htmlResponse(PlaygroundPage({ ...(await playgroundProps(page, user!, selected)), answer: { text: json.response, meta: `${json.model} · ${json.tokens_used} tokens · $${json.cost}` } }) as string);
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        return htmlResponse(PlaygroundPage({ ...(await playgroundProps(page, user!, selected)), errors: { form: error.message } }) as string, error.status);
      }
    })
    .post("/playground/stream", async ({ user, body, request }) => {
      const form = body as Record<string, string>;
      try {
        return await playgroundCall(user!, { keyId: Number(form.key_id), model: String(form.model ?? ""), message: String(form.message ?? "") }, true, request.signal);
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        return new Response(error.message, { status: error.status, headers: { "content-type": "text/plain; charset=utf-8" } });
      }
    })
    .get("/reference", ({ page, request }) => {
      // Only a plain host name makes it into the page's examples; anything else reads as localhost.
      const baseUrl = config.publicOrigin ?? `http://${plainHost(request) ?? `localhost:${config.port}`}`;
      return htmlResponse(ReferencePage({ ctx: page, baseUrl, models: config.models.map((m) => m.id) }) as string);
    });

  /** Logs in the user `getUser` returns (a session cookie, then the dashboard), or shows the form with its errors. */
  async function signIn(
    c: { page: PageContext; htmx: boolean; cookie: Record<string, { set(options: object): unknown }>; jwt: { sign(claims: Record<string, string>): Promise<string> }; mode: "login" | "register"; values: Record<string, string> },
    getUser: () => Promise<User>,
  ): Promise<Response> {
    try {
      const user = await getUser();
      const session = await createSession(db, user.id, config.sessionTtlHours);
      c.cookie[SESSION_COOKIE]!.set({ value: await c.jwt.sign({ sub: String(user.id), sid: session.id }), ...cookieOptions, sameSite: "lax", maxAge: config.sessionTtlHours * 3600 });
      return redirectTo("/dashboard", c.htmx);
    } catch (error) {
      const errors = formErrors(error, c.values);
      const status = error instanceof HttpError ? error.status : 400;
      const view = c.htmx ? AuthForm({ ctx: c.page, mode: c.mode, errors }) : AuthPage({ ctx: c.page, mode: c.mode, errors });
      return htmlResponse(view as string, status, error instanceof HttpError ? error.headers : {});
    }
  }

  async function playgroundProps(page: PageContext, user: User, selected: { keyId?: number; model?: string; message?: string }) {
    const keys = (await listApiKeys(db, user.id)).filter((k) => k.isActive && !isExpired(k));
    return { ctx: page, keys: keys.map((k) => ({ id: k.id, name: k.name, prefix: k.keyPrefix })), models: config.models.map((m) => ({ id: m.id, name: m.name })), selected };
  }

  /** A playground message runs through the developer API's own path, charged to the chosen key. */
  async function playgroundCall(user: User, selected: { keyId: number; model: string; message: string }, stream: boolean, signal: AbortSignal): Promise<Response> {
    const verdict = Number.isSafeInteger(selected.keyId) ? await verifyOwnedKey(db, user.id, selected.keyId) : { valid: false as const, code: "NOT_FOUND" as const };
    if (!verdict.valid) throw new HttpError("invalid_api_key", "Invalid or expired API key");
    const call = startCall(verdict.key, "/playground");
    // The same entry and input rules as POST /api/v1/developer/chat.
    return await runCall(deps, call, () => seedChatPlan(deps, call, parseSeedChat({ message: selected.message.trim(), model: selected.model || undefined, stream }), signal));
  }
}

