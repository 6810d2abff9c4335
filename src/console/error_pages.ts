// The console's answer to an unknown path or an unexpected failure: an HTML page in the visitor's language.
import { PAGE_SECURITY_HEADERS } from "../http/mod.ts";
import { ConsoleErrorPage } from "../../views/pages/error.tsx";
import { Alert } from "../../views/partials/alert.tsx";
import { LANG_COOKIE, pickLang, translator } from "./i18n.ts";

/** The saved language from a raw Cookie header (the error hook runs without the console's cookie parsing). */
function savedLang(cookieHeader: string | null): string | undefined {
  for (const part of (cookieHeader ?? "").split(";")) {
    const [name, value] = part.trim().split("=");
    if (name === LANG_COOKIE) return value;
  }
  return undefined;
}

const TITLES = { 404: "errorPage.notFound", 500: "errorPage.internal", 503: "errorPage.unavailable" } as const;

/** A 404, 500 or 503 page (an alert fragment for htmx) in the language the console would pick for `request`. */
export function consoleErrorPage(request: Request, options: { status: 404 | 500 | 503; path: string; requestId: string }): Response {
  const lang = pickLang(savedLang(request.headers.get("cookie")), request.headers.get("accept-language"));
  const t = translator(lang);
  const body = request.headers.get("hx-request") === "true"
    ? Alert({ message: `${t(TITLES[options.status])} (${t("errorPage.requestId")} ${options.requestId})` })
    : ConsoleErrorPage({ t, lang, status: options.status, path: options.path, requestId: options.requestId });
  return new Response(body as string, {
    status: options.status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", vary: "HX-Request, Accept-Language, Cookie", ...PAGE_SECURITY_HEADERS, "x-request-id": options.requestId },
  });
}
