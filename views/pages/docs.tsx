// The developer docs in the console: a contents list and one page of server-rendered Markdown (highlighted code, no scripts).
import type { PageContext } from "../types.ts";
import { BaseLayout } from "../layouts/base.tsx";

/** A docs page as the route prepared it: `safeHtml` is rendered from our Markdown with raw HTML escaped. */
export interface DocView {
  slug: string;
  title: string;
  safeHtml: string;
  /** True when the page is shown in English to a zh-CN reader (no translation yet). */
  englishOnly: boolean;
  lang: string;
}

export const DOC_NAV: ReadonlyArray<[string, "docs.page.index" | "docs.page.quickstart" | "docs.page.authentication" | "docs.page.api-reference" | "docs.page.rate-limits" | "docs.page.errors" | "docs.page.webhooks"]> = [
  ["", "docs.page.index"],
  ["quickstart", "docs.page.quickstart"],
  ["authentication", "docs.page.authentication"],
  ["api-reference", "docs.page.api-reference"],
  ["rate-limits", "docs.page.rate-limits"],
  ["errors", "docs.page.errors"],
  ["webhooks", "docs.page.webhooks"],
];

export function DocsPage(props: { ctx: PageContext; doc: DocView }): JSX.Element {
  const { ctx, doc } = props;
  const safeDocHtml = doc.safeHtml;
  return (
    <BaseLayout ctx={ctx} title={`${doc.title} · ${ctx.t("docs.title")}`}>
      <div class="docs-layout">
        <nav class="docs-nav card" aria-label={ctx.t("docs.pages")}>
          <h2 safe>{ctx.t("docs.title")}</h2>
          <ul>
            {DOC_NAV.map(([slug, key]) => (
              <li><a href={slug ? `/docs/${slug}` : "/docs"} aria-current={slug === doc.slug ? "page" : undefined} safe>{ctx.t(key)}</a></li>
            ))}
            <li><a href="/reference" safe>{ctx.t("docs.cheatsheet")}</a></li>
            <li><a href="/docs/api" safe>{ctx.t("docs.openapi")}</a></li>
          </ul>
        </nav>
        <article class="doc card" lang={doc.lang}>
          {doc.englishOnly ? <p class="notice" role="note" lang={ctx.lang} safe>{ctx.t("docs.englishOnly")}</p> : ""}
          {safeDocHtml}
        </article>
      </div>
    </BaseLayout>
  );
}
