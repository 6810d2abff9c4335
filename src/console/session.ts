// Every console page's request context: language, the signed-in user and a session-bound CSRF token; HTML via @elysiajs/html.
import { html } from "@elysiajs/html";
import { Elysia } from "elysia";
import { type AuthDeps, accountFromClaims, SESSION_COOKIE, tokenPlugin, type User } from "../auth/mod.ts";
import { isDatabaseUnavailable } from "../db/mod.ts";
import type { GatewayDeps } from "../gateway/mod.ts";
import { PAGE_SECURITY_HEADERS, requestPath, requestTarget } from "../http/mod.ts";
import type { KeysDeps } from "../keys/mod.ts";
import { Alert, ErrorPage } from "../../views/partials/alert.tsx";
import type { PageContext } from "../../views/types.ts";
import { CSRF_COOKIE, CSRF_FIELD, csrfToken, csrfValid, newPreSession, sameOrigin } from "./csrf.ts";
import { LANG_COOKIE, pickLang, translator } from "./i18n.ts";
import { isHtmx, redirectTo } from "./render.ts";

/** What the console needs: the accounts, keys and gateway features' deps, and how it is reached. */
export type ConsoleDeps = AuthDeps & KeysDeps & GatewayDeps & { config: { readonly secureCookies: boolean; readonly publicOrigin: string | null; readonly port: number } };

export const YEAR_SECONDS = 365 * 24 * 3600;

/** Every console answer: no caching, and the same URL is a page or an htmx fragment. */
const PAGE_HEADERS = { vary: "HX-Request", "cache-control": "no-store", ...PAGE_SECURITY_HEADERS };

/** The console session's cookie options. */
export function cookieOptions(config: { readonly secureCookies: boolean }) {
  return { httpOnly: true, path: "/", secure: config.secureCookies } as const;
}

/**
 * Resolves `page` (language, CSRF token, user), `user`, `sessionId` and `htmx` for a group of console routes, and
 * refuses state-changing requests from other sites or without their session's token.
 */
export function consoleSession(deps: ConsoleDeps) {
  const { database: { db }, config } = deps;
  return new Elysia()
    // autoDetect off: only what a handler hands to html() is served as HTML, never a string that happens to start with "<".
    // Its helper is derived globally, so app.ts composes the console after the API routes, which stay without it.
    .use(html({ autoDetect: false, autoDoctype: false, contentType: "text/html; charset=utf-8" }))
    .use(tokenPlugin(config.jwtSecret, config.sessionTtlHours))
    .derive({ as: "scoped" }, async ({ cookie, headers, jwt, request, set }) => {
      Object.assign(set.headers, PAGE_HEADERS);
      const lang = pickLang(cookie[LANG_COOKIE]?.value as string | undefined, headers["accept-language"] ?? null);
      let preSession = cookie[CSRF_COOKIE]?.value as string | undefined;
      if (typeof preSession !== "string" || preSession.length < 20) {
        preSession = newPreSession();
        cookie[CSRF_COOKIE]!.set({ value: preSession, ...cookieOptions(config), sameSite: "strict", maxAge: YEAR_SECONDS });
      }
      let user: User | null = null;
      let sessionId: string | null = null;
      // True when the cookie's session just ended (an idle admin's, a revoked one): pages send the visitor to log in.
      let sessionEnded = false;
      const token = cookie[SESSION_COOKIE]?.value as string | undefined;
      if (token) {
        try {
          const account = await accountFromClaims(db, await jwt.verify(token), { adminIdleMinutes: config.admin.idleMinutes });
          user = account.user;
          sessionId = account.sessionId;
        } catch (error) {
          // An outage is not a bad session: keep the cookie and let the error handler answer 503.
          if (isDatabaseUnavailable(error)) throw error;
          cookie[SESSION_COOKIE]!.remove();
          sessionEnded = true;
        }
      }
      const csrf = csrfToken(config.jwtSecret, { sessionId, preSession });
      const path = requestPath(request);
      const page: PageContext = {
        t: translator(lang),
        lang,
        csrf,
        path,
        here: hereOf(request, path),
        user: user ? { email: user.email, fullName: user.fullName, plan: user.plan, admin: user.role === "admin" } : null,
      };
      return { page, user, sessionId, sessionEnded, htmx: isHtmx(headers), csrf };
    })
    // Every state-changing console request comes from the hub's own pages and carries its session's CSRF token.
    .onBeforeHandle({ as: "scoped" }, ({ request, body, csrf, page, htmx, html, set }) => {
      if (request.method !== "POST") return;
      const submitted = (body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
      if (!sameOrigin(request.headers, config.publicOrigin) || !csrfValid(csrf, submitted)) {
        set.status = 403;
        const message = page.t("error.csrf");
        return html(htmx ? Alert({ message }) : ErrorPage({ status: 403, message, lang: page.lang }));
      }
    });
}

/** The page's own URL for a GET; for a form's POST its path, which handlers that render another page's form replace (pageAt). */
function hereOf(request: Request, path: string): string {
  if (request.method !== "GET" && request.method !== "HEAD") return path;
  // safeNext() refuses a backslash (browsers read "\\" as "/"); in a query "%5C" reads back as the same character.
  return requestTarget(request).replaceAll("\\", "%5C");
}

/** For pages that need a signed-in user: visitors go to the login page. */
export function requireUser({ user, htmx }: { user: User | null; htmx: boolean }): Response | undefined {
  return user ? undefined : redirectTo("/login", htmx);
}
