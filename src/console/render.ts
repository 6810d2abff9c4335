// Small helpers for console responses: full page vs htmx fragment, redirects that work with and without htmx.
import { plainHost } from "../http/mod.ts";
import type { PageContext } from "../../views/types.ts";

/** True for requests htmx made (it sends HX-Request: true). */
export function isHtmx(headers: Record<string, string | undefined>): boolean {
  return headers["hx-request"] === "true";
}

/** Sends the browser to `location`: a 303 for plain forms, HX-Redirect for htmx (which would swap a followed redirect). */
export function redirectTo(location: string, htmx: boolean, headers: Record<string, string> = {}): Response {
  return htmx
    ? new Response(null, { status: 200, headers: { "hx-redirect": location, ...headers } })
    : new Response(null, { status: 303, headers: { location, ...headers } });
}

/** `page` shown as the GET page `here` (a form's POST path may have no page): where its language switch returns. */
export function pageAt(page: PageContext, here: string): PageContext {
  return { ...page, here };
}

/** A same-site path to return to, or the fallback (never another origin). */
export function safeNext(next: unknown, fallback = "/dashboard"): string {
  // One leading slash, then visible ASCII only: no "//host", no backslashes, no tabs or newlines that
  // browsers strip (turning "/\t/evil" into "//evil") or that cannot go into a Location header.
  return typeof next === "string" && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) && !next.includes("\\") ? next : fallback;
}

/** The hub's base URL for examples on a page: PUBLIC_URL, else the plain host the browser used, else localhost. */
export function hubBaseUrl(request: Request, config: { readonly publicOrigin: string | null; readonly port: number }): string {
  // Only a plain host name makes it into the page's examples; anything else reads as localhost.
  return config.publicOrigin ?? `http://${plainHost(request) ?? `localhost:${config.port}`}`;
}
