// The page shell: head (CSS, htmx, app.js; no inline script), top bar with navigation and language switch.
import type { PropsWithChildren } from "@kitajs/html";
import type { PageContext } from "../types.ts";

const NAV: Array<[string, "nav.dashboard" | "nav.keys" | "nav.usage" | "nav.playground" | "nav.reference" | "nav.settings" | "nav.logs"]> = [
  ["/dashboard", "nav.dashboard"],
  ["/keys", "nav.keys"],
  ["/usage", "nav.usage"],
  ["/dashboard/logs", "nav.logs"],
  ["/playground", "nav.playground"],
  ["/reference", "nav.reference"],
  ["/dashboard/settings", "nav.settings"],
];

export function BaseLayout(props: PropsWithChildren<{ ctx: PageContext; title: string }>): JSX.Element {
  const { ctx } = props;
  const otherLang = ctx.lang === "en" ? "zh-CN" : "en";
  // The longest link the path is under is the current one (/dashboard/settings is Settings, not Dashboard).
  const current = NAV.map(([href]) => href).filter((href) => ctx.path.startsWith(href)).sort((a, b) => b.length - a.length)[0];
  return (
    <>
      {"<!doctype html>"}
      <html lang={ctx.lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="htmx-config" content='{"includeIndicatorCSS": false}' />
          <title safe>{`${props.title} · AI Hub`}</title>
          <link rel="stylesheet" href="/static/app.css" />
          <script src="/static/htmx.min.js" defer></script>
          <script src="/static/app.js" defer></script>
        </head>
        <body>
          <a class="skip" href="#main" safe>{ctx.t("nav.skip")}</a>
          <header class="top">
            <div class="top-inner">
              <a class="logo" href={ctx.user ? "/dashboard" : "/login"}>AI <span>Hub</span></a>
              {ctx.user ? (
                <nav class="main" aria-label="main">
                  {NAV.map(([href, key]) => (
                    <a href={href} aria-current={href === current ? "page" : undefined} safe>{ctx.t(key)}</a>
                  ))}
                  {ctx.user.admin ? <a href="/admin" aria-current={ctx.path.startsWith("/admin") ? "page" : undefined} safe>{ctx.t("nav.admin")}</a> : ""}
                </nav>
              ) : ""}
              <div class="top-actions">
                <a class="button secondary" href={`/lang?to=${otherLang}&next=${encodeURIComponent(ctx.path)}`} lang={otherLang} hreflang={otherLang} safe>{ctx.t("lang.switch")}</a>
                {ctx.user ? (
                  <form method="post" action="/logout">
                    <input type="hidden" name="_csrf" value={ctx.csrf} />
                    <button type="submit" class="secondary" title={ctx.user.email} safe>{ctx.t("nav.logout")}</button>
                  </form>
                ) : ""}
              </div>
            </div>
          </header>
          <main id="main">{props.children}</main>
          <footer class="bottom">AI Hub · <a href="/reference" safe>{ctx.t("nav.reference")}</a></footer>
        </body>
      </html>
    </>
  );
}
