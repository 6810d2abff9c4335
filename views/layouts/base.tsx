// The page shell: head (CSS, htmx, app.js; no inline script), top bar with navigation and language switch.
import type { PropsWithChildren } from "@kitajs/html";
import type { PageContext } from "../types.ts";

const NAV: Array<[string, "nav.dashboard" | "nav.keys" | "nav.usage" | "nav.playground" | "nav.reference" | "nav.settings" | "nav.models" | "nav.logs" | "nav.docs"]> = [
  ["/dashboard", "nav.dashboard"],
  ["/dashboard/api-keys", "nav.keys"],
  ["/dashboard/usage", "nav.usage"],
  ["/dashboard/logs", "nav.logs"],
  ["/dashboard/playground", "nav.playground"],
  ["/reference", "nav.reference"],
  ["/docs", "nav.docs"],
  ["/dashboard/settings", "nav.settings"],
  ["/models", "nav.models"],
];

/** What a visitor (not signed in) is offered: the catalogue and the docs. */
const VISITOR_NAV: typeof NAV = [["/models", "nav.models"], ["/docs", "nav.docs"]];

export function BaseLayout(props: PropsWithChildren<{ ctx: PageContext; title: string }>): JSX.Element {
  const { ctx } = props;
  const otherLang = ctx.lang === "en" ? "zh-CN" : "en";
  // The longest link the path is under is the current one (/dashboard/settings is Settings, not Dashboard).
  const current = NAV.map(([href]) => href).filter((href) => ctx.path.startsWith(href)).sort((a, b) => b.length - a.length)[0];
  const links = (
    <>
      {(ctx.user ? NAV : VISITOR_NAV).map(([href, key]) => (
        <a href={href} aria-current={href === current ? "page" : undefined} safe>{ctx.t(key)}</a>
      ))}
      {ctx.user?.admin ? <a href="/admin" aria-current={ctx.path.startsWith("/admin") ? "page" : undefined} safe>{ctx.t("nav.admin")}</a> : ""}
    </>
  );
  return (
    <>
      {"<!doctype html>"}
      <html lang={ctx.lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="htmx-config" content='{"includeIndicatorCSS": false}' />
          <title safe>{`${props.title} · AI Hub`}</title>
          <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
          <link rel="stylesheet" href="/static/app.css" />
          <link rel="stylesheet" href="/static/docs.css" />
          <script src="/static/htmx.min.js" defer></script>
          <script src="/static/app.js" defer></script>
        </head>
        <body>
          <a class="skip" href="#main" safe>{ctx.t("nav.skip")}</a>
          <header class="top">
            <div class="top-inner">
              <a class="logo" href={ctx.user ? "/dashboard" : "/"}>AI <span>Hub</span></a>
              {ctx.user || ctx.path === "/models" || ctx.path === "/" || ctx.path.startsWith("/docs") ? (
                <nav class={ctx.user ? "main wide" : "main"} aria-label={ctx.t("nav.label")}>{links}</nav>
              ) : ""}
              <div class="top-actions">
                <a class="button secondary" href={`/lang?to=${otherLang}&next=${encodeURIComponent(ctx.here)}`} data-lang-switch lang={otherLang} hreflang={otherLang} safe>{ctx.t("lang.switch")}</a>
                {ctx.user ? (
                  <form method="post" action="/logout">
                    <input type="hidden" name="_csrf" value={ctx.csrf} />
                    <button type="submit" class="secondary" title={ctx.user.email} safe>{ctx.t("nav.logout")}</button>
                  </form>
                ) : ctx.path === "/login" ? "" : <a class="button secondary" href="/login" safe>{ctx.t("login.submit")}</a>}
              </div>
              {ctx.user ? (
                // Phones: the same links behind a <details> menu, which opens without JavaScript; CSS shows one of the two.
                <details class="menu">
                  <summary><span aria-hidden="true">☰</span> <span safe>{ctx.t("nav.menu")}</span></summary>
                  <nav class="main-menu" aria-label={ctx.t("nav.menu")}>{links}</nav>
                </details>
              ) : ""}
            </div>
          </header>
          <main id="main" tabindex="-1">{props.children}</main>
          <footer class="bottom">AI Hub · <a href="/docs" safe>{ctx.t("nav.docs")}</a> · <a href="/reference" safe>{ctx.t("nav.reference")}</a></footer>
        </body>
      </html>
    </>
  );
}
