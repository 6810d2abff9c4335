// The developer docs as console pages, for visitors and users alike: /docs, /docs/<page> and /docs/examples/<file>.
import { Elysia, NotFoundError } from "elysia";
import { DocsPage } from "../../views/pages/docs.tsx";
import { escapeHtml } from "@kitajs/html";
import { renderedDoc, renderedExample } from "./docs.ts";
import { type ConsoleDeps, consoleSession } from "./session.ts";

/** The docs pages in the page's language (English where a page has no Chinese version yet). */
export function docsPages(deps: ConsoleDeps) {
  return new Elysia()
    .use(consoleSession(deps))
    .get("/docs", ({ page, html }) => {
      const doc = renderedDoc("", page.lang)!;
      return html(DocsPage({ ctx: page, doc: { slug: "", ...doc, englishOnly: page.lang !== doc.lang } }));
    })
    .get("/docs/examples/*", ({ page, params, html }) => {
      // Unknown names fall through to the console's 404 page.
      const example = renderedExample(params["*"]);
      if (!example) throw new NotFoundError();
      return html(DocsPage({ ctx: page, doc: { slug: "examples", title: example.title, safeHtml: `<h1>${escapeHtml(page.t("docs.example"))}: <code>${escapeHtml(example.title)}</code></h1>${example.safeHtml}`, englishOnly: false, lang: page.lang } }));
    })
    .get("/docs/:slug", ({ page, params, html }) => {
      const doc = renderedDoc(params.slug, page.lang);
      if (!doc) throw new NotFoundError();
      return html(DocsPage({ ctx: page, doc: { slug: params.slug, ...doc, englishOnly: page.lang !== doc.lang } }));
    });
}
