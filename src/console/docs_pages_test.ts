// The developer docs in the console: Markdown rendered on the server with highlighted code, links between pages, both languages.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { BACKENDS } from "../testing/databases.ts";
import { createTestHub, type TestHub } from "../testing/harness.ts";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { consoleHref, DOC_PAGES, headingId, renderedDoc, renderMarkdown } from "./docs.ts";

const EN = { "accept-language": "en-US,en;q=0.9" };
const ZH = { "accept-language": "zh-CN,zh;q=0.9" };

describe("renderMarkdown()", () => {
  test("raw HTML in Markdown is shown as text, never as markup", () => {
    const { safeHtml } = renderMarkdown("<script>alert(1)</script>\n\nText <img src=x onerror=alert(1)> here.\n");
    expect(safeHtml).not.toContain("<script");
    expect(safeHtml).not.toContain("<img");
    expect(safeHtml).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(safeHtml).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  test("javascript: links lose their link, other links stay", () => {
    const { safeHtml } = renderMarkdown("[bad](javascript:alert(1)) [good](https://example.com/a)");
    expect(safeHtml).not.toContain("javascript:");
    expect(safeHtml).toContain('<a href="https://example.com/a">good</a>');
  });

  test("code blocks in bash, python, javascript and json are highlighted; other languages are escaped text", () => {
    const { safeHtml } = renderMarkdown("```python\nprint('hi')\n```\n\n```js\nconst a = 1;\n```\n\n```json\n{\"a\": true}\n```\n\n```sh\necho $HOME\n```\n\n```\n<b>x</b>\n```\n");
    expect(safeHtml).toContain('<code class="language-python"><span class="hljs-built_in">print</span>');
    expect(safeHtml).toContain('<span class="hljs-keyword">const</span>');
    expect(safeHtml).toContain('<span class="hljs-literal"><span class="hljs-keyword">true</span></span>');
    expect(safeHtml).toContain('<code class="language-sh"><span class="hljs-built_in">echo</span>');
    expect(safeHtml).toContain("&lt;b&gt;x&lt;/b&gt;");
  });

  test("headings get GitHub's anchors, or the {#id} a translated heading keeps", () => {
    expect(headingId("POST /v1/chat/completions")).toBe("post-v1chatcompletions");
    const { safeHtml } = renderMarkdown("## What counts\n\n## 计入规则 {#what-counts}\n");
    expect(safeHtml).toContain('<h2 id="what-counts">What counts</h2>');
    expect(safeHtml).toContain('<h2 id="what-counts">计入规则</h2>');
  });
});

describe("renderedDoc()", () => {
  test("a page with no Chinese version yet is the English one, marked as such", () => {
    const root = join(mkdtempSync(join(tmpdir(), "aihub-docs-")), "/");
    mkdirSync(join(root, "zh-CN"));
    writeFileSync(join(root, "errors.md"), "# Errors\n\nOnly in English.\n");
    writeFileSync(join(root, "quickstart.md"), "# Quickstart\n");
    writeFileSync(join(root, "zh-CN", "quickstart.md"), "# 快速开始\n");
    expect(renderedDoc("errors", "zh-CN", root)).toMatchObject({ title: "Errors", lang: "en" });
    expect(renderedDoc("quickstart", "zh-CN", root)).toMatchObject({ title: "快速开始", lang: "zh-CN" });
    expect(renderedDoc("quickstart", "en", root)).toMatchObject({ title: "Quickstart", lang: "en" });
    expect(renderedDoc("nope", "en", root)).toBeNull();
  });

  test("every page of docs/developer has its Chinese version", () => {
    for (const page of DOC_PAGES) expect(renderedDoc(page.slug, "zh-CN")?.lang).toBe("zh-CN");
  });
});

describe("consoleHref()", () => {
  test("links between docs become console paths, from the English and the Chinese folder", () => {
    expect(consoleHref("quickstart.md", "")).toBe("/docs/quickstart");
    expect(consoleHref("rate-limits.md#what-counts", "")).toBe("/docs/rate-limits#what-counts");
    expect(consoleHref("README.md", "")).toBe("/docs");
    expect(consoleHref("errors.md", "zh-CN")).toBe("/docs/errors");
    expect(consoleHref("api-reference.md", "zh-CN")).toBe("/docs/api-reference");
    expect(consoleHref("examples/python/basic_chat.py", "")).toBe("/docs/examples/python/basic_chat.py");
  });

  test("a link into the other language's folder switches the console's language on the way", () => {
    expect(consoleHref("zh-CN/README.md", "")).toBe("/lang?to=zh-CN&next=%2Fdocs");
    expect(consoleHref("../README.md", "zh-CN")).toBe("/lang?to=en&next=%2Fdocs");
    expect(consoleHref("../rate-limits.md#what-counts", "zh-CN")).toBe("/lang?to=en&next=%2Fdocs%2Frate-limits%23what-counts");
    expect(consoleHref("examples/python/basic_chat.py", "")).toBe("/docs/examples/python/basic_chat.py");
    expect(consoleHref("../examples/curl/examples.sh", "zh-CN")).toBe("/docs/examples/curl/examples.sh");
  });

  test("absolute links and anchors are left alone", () => {
    for (const href of ["https://example.com", "/reference", "#headers", "mailto:a@b.c"]) expect(consoleHref(href, "")).toBe(href);
  });
});

describe("docs pages", () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ backend: BACKENDS[0]! });
  }, 60_000);
  afterAll(() => hub.close());

  test("every page renders for a visitor in both languages, each link to another doc pointing at a page that exists", async () => {
    const paths = new Set(DOC_PAGES.map((p) => (p.slug ? `/docs/${p.slug}` : "/docs")));
    for (const headers of [EN, ZH]) {
      for (const path of paths) {
        const response = await hub.request(path, { headers });
        expect(response.status).toBe(200);
        const html = await response.text();
        expect(html).toContain('<pre class="code hljs" tabindex="0">');
        for (const [, href] of html.matchAll(/href="(\/docs[^"#]*)/g)) {
          if (href === "/docs/api") continue;
          expect(href!.startsWith("/docs/examples/") || paths.has(href!)).toBe(true);
        }
        // Links within the page land on a heading of it.
        for (const [, id] of html.matchAll(/href="#([^"]+)"/g)) expect(html).toContain(`id="${id}"`);
      }
    }
  });

  test("a zh-CN reader gets the Chinese pages, an English reader the English ones", async () => {
    const zh = await (await hub.request("/docs/quickstart", { headers: ZH })).text();
    expect(zh).toContain('<html lang="zh-CN">');
    expect(zh).toContain("快速开始：五分钟完成第一次对话调用");
    expect(zh).not.toContain("本页暂无中文版");
    expect(zh).toContain('<a href="/docs/authentication">身份验证</a>');
    const en = await (await hub.request("/docs/quickstart", { headers: EN })).text();
    expect(en).toContain("Quickstart: your first chat call in five minutes");
    expect(en).not.toContain("五分钟");
    for (const [slug, heading] of [["authentication", "身份验证"], ["rate-limits", "速率限制与配额"], ["errors", "错误"], ["webhooks", "Webhooks"], ["api-reference", "API 参考"], ["", "AI Hub 开发文档"]] as const) {
      expect(await (await hub.request(slug ? `/docs/${slug}` : "/docs", { headers: ZH })).text()).toContain(`>${heading}</h1>`);
    }
  });

  test("a translated heading keeps the English anchor that other pages link to", async () => {
    const errors = await (await hub.request("/docs/errors", { headers: ZH })).text();
    expect(errors).toContain('href="/docs/rate-limits#what-counts"');
    expect(await (await hub.request("/docs/rate-limits", { headers: ZH })).text()).toContain('<h2 id="what-counts">计入规则</h2>');
  });

  test("the examples the docs link to show as highlighted source", async () => {
    const response = await hub.request("/docs/examples/python/basic_chat.py", { headers: EN });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<span class="hljs-keyword">import</span>');
  });

  test("unknown pages and files are a 404 page, and the OpenAPI page keeps /docs/api", async () => {
    for (const path of ["/docs/nope", "/docs/examples/../../package.json", "/docs/examples/python/nope.py"]) {
      const response = await hub.request(path, { headers: EN });
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toContain("text/html");
    }
    expect(await (await hub.request("/docs/api")).text()).toContain("swagger");
  });
});
