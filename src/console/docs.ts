// The developer docs (docs/developer/*.md, Chinese beside them in zh-CN/) rendered to HTML on the server, once per page and language.
import { escapeHtml } from "@kitajs/html";
import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import python from "highlight.js/lib/languages/python";
import { Marked, Renderer, type Tokens } from "marked";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Lang } from "./i18n.ts";

hljs.registerLanguage("bash", bash);
hljs.registerLanguage("javascript", javascript);
hljs.registerLanguage("json", json);
hljs.registerLanguage("python", python);
hljs.registerAliases(["sh", "shell", "curl"], { languageName: "bash" });
hljs.registerAliases(["js", "ts", "typescript", "mjs"], { languageName: "javascript" });
hljs.registerAliases(["py"], { languageName: "python" });

const ROOT = fileURLToPath(new URL("../../docs/developer/", import.meta.url));

/** The docs pages in reading order: the URL slug (/docs/<slug>) and its Markdown file name. The index is /docs. */
export const DOC_PAGES: ReadonlyArray<{ slug: string; file: string }> = [
  { slug: "", file: "README.md" },
  { slug: "quickstart", file: "quickstart.md" },
  { slug: "authentication", file: "authentication.md" },
  { slug: "api-reference", file: "api-reference.md" },
  { slug: "rate-limits", file: "rate-limits.md" },
  { slug: "errors", file: "errors.md" },
  { slug: "webhooks", file: "webhooks.md" },
];

/** The runnable examples the docs link to, shown as highlighted source at /docs/examples/<path>. */
export const DOC_EXAMPLES: readonly string[] = ["python/basic_chat.py", "python/streaming.py", "javascript/basic_chat.js", "curl/examples.sh"];

export interface RenderedDoc {
  title: string;
  /** HTML from our own Markdown, raw HTML in it escaped: safe to insert as is. */
  safeHtml: string;
  /** The language the text is in (English where a page has no Chinese version yet). */
  lang: Lang;
}

/** GitHub's heading anchors (`### POST /v1/chat/completions` → `post-v1chatcompletions`), so the docs' own #links work. */
export function headingId(text: string): string {
  return text.toLowerCase().trim().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "").replace(/ /g, "-");
}

/** Code highlighted by highlight.js where the language is one we load, else escaped. */
export function highlight(code: string, lang: string | undefined): string {
  const language = lang && hljs.getLanguage(lang) ? lang : null;
  const body = language ? hljs.highlight(code, { language, ignoreIllegals: true }).value : escapeHtml(code);
  return `<pre class="code hljs" tabindex="0"><code${language ? ` class="language-${escapeHtml(language)}"` : ""}>${body}</code></pre>`;
}

/**
 * Where a link in a doc leads in the console: another doc's Markdown file → /docs/<slug>, an example → its source page,
 * anything absolute (a scheme, "/", "#") unchanged. `dir` is the doc's folder below docs/developer ("" or "zh-CN").
 */
export function consoleHref(href: string, dir: string): string {
  if (/^([a-z][a-z0-9+.-]*:|\/|#)/i.test(href)) return href;
  const [path = "", hash] = href.split("#", 2);
  const parts: string[] = dir ? dir.split("/") : [];
  for (const part of path.split("/")) {
    if (part === "..") parts.pop();
    else if (part && part !== ".") parts.push(part);
  }
  const toChinese = parts[0] === "zh-CN";
  const resolved = parts.join("/").replace(/^zh-CN\//, "");
  const suffix = hash ? `#${hash}` : "";
  const page = DOC_PAGES.find((p) => p.file === resolved);
  if (page) {
    const target = `/docs${page.slug ? `/${page.slug}` : ""}${suffix}`;
    // A link into the other language's folder ("中文版", "English") switches the console's language there.
    if (toChinese !== dir.startsWith("zh-CN")) return `/lang?to=${toChinese ? "zh-CN" : "en"}&next=${encodeURIComponent(target)}`;
    return target;
  }
  if (resolved.startsWith("examples/") && DOC_EXAMPLES.includes(resolved.slice("examples/".length))) return `/docs/${resolved}${suffix}`;
  return href;
}

/** A Marked instance for one doc folder: raw HTML escaped, code highlighted, headings anchored, links made console paths. */
function markdown(dir: string): Marked {
  return new Marked({
    gfm: true,
    renderer: {
      // The docs are ours, but raw HTML in them is shown as text all the same: Markdown is never a way to inject markup.
      html({ text }: Tokens.HTML | Tokens.Tag) {
        return escapeHtml(text);
      },
      code({ text, lang }: Tokens.Code) {
        return highlight(text, lang?.trim().split(/\s+/)[0]);
      },
      heading({ tokens, depth }: Tokens.Heading) {
        // "## 计入规则 {#what-counts}" keeps the English anchor on a translated heading, so links into it still land.
        const raw = this.parser.parseInline(tokens, this.parser.textRenderer);
        const explicit = /\s*\{#([\w-]+)\}\s*$/.exec(raw);
        const id = explicit ? explicit[1]! : headingId(raw);
        const last = tokens.at(-1);
        if (explicit && last && "text" in last) last.text = last.text.replace(/\s*\{#[\w-]+\}\s*$/, "");
        const inner = this.parser.parseInline(tokens).replace(/\s*\{#[\w-]+\}\s*$/, "");
        return `<h${depth} id="${escapeHtml(id)}">${inner}</h${depth}>\n`;
      },
      link({ href, title, tokens }: Tokens.Link) {
        const target = consoleHref(href, dir);
        const titled = title ? ` title="${escapeHtml(title)}"` : "";
        // javascript:, data: and the like never become links.
        if (/^(javascript|data|vbscript):/i.test(target.trim())) return this.parser.parseInline(tokens);
        return `<a href="${escapeHtml(target)}"${titled}>${this.parser.parseInline(tokens)}</a>`;
      },
      // Wide tables scroll inside their own box on phones, keeping their table semantics.
      table(token: Tokens.Table) {
        return `<div class="table-wrap">${Renderer.prototype.table.call(this, token)}</div>\n`;
      },
      image({ text }: Tokens.Image) {
        return escapeHtml(text);
      },
    },
  });
}

/** Renders a Markdown text found in `dir` (below docs/developer) to HTML; the first heading is the title. */
export function renderMarkdown(source: string, dir = ""): { title: string; safeHtml: string } {
  const title = /^#\s+(.+)$/m.exec(source)?.[1]?.trim() ?? "";
  return { title, safeHtml: markdown(dir).parse(source, { async: false }) };
}

const cache = new Map<string, RenderedDoc | null>();

/**
 * The page `slug` in `lang` (its Chinese version where there is one, else English), rendered once and cached; null if
 * none. `root` is the docs folder (another one in tests).
 */
export function renderedDoc(slug: string, lang: Lang, root = ROOT): RenderedDoc | null {
  const key = `${root}:${lang}:${slug}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const page = DOC_PAGES.find((p) => p.slug === slug);
  let doc: RenderedDoc | null = null;
  if (page) {
    const zhPath = `${root}zh-CN/${page.file}`;
    const useZh = lang === "zh-CN" && existsSync(zhPath);
    const rendered = renderMarkdown(readFileSync(useZh ? zhPath : `${root}${page.file}`, "utf8"), useZh ? "zh-CN" : "");
    doc = { ...rendered, lang: useZh ? "zh-CN" : "en" };
  }
  cache.set(key, doc);
  return doc;
}

/** An example's source, highlighted, or null when `path` is not one of the examples. */
export function renderedExample(path: string): { title: string; safeHtml: string } | null {
  if (!DOC_EXAMPLES.includes(path)) return null;
  const key = `example:${path}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const ext = path.split(".").pop();
  const lang = ext === "py" ? "python" : ext === "js" ? "javascript" : "bash";
  const doc: RenderedDoc = { title: path, safeHtml: highlight(readFileSync(`${ROOT}examples/${path}`, "utf8"), lang), lang: "en" };
  cache.set(key, doc);
  return doc;
}
