// In Chromium, in zh-CN and English: the developer docs in the console (highlighted code, links between pages), the
// dashboard's first steps ticking as a new user creates a key and makes a call, and the new key's snippets panel.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { SHOTS, useConsoleBrowser } from "../testing/console_browser.ts";

const hub = useConsoleBrowser();

const LANGS = {
  "zh-CN": { docs: "开发文档", quickstart: "快速开始", auth: "身份验证", docsH1: "AI Hub 开发文档", quickH1: "快速开始：五分钟完成第一次对话调用", authH1: "身份验证", steps: "三步完成第一次调用", keys: "API密钥", copied: "已复制到剪贴板", reply: "你说的是：“你好！”", complete: "第一次调用已成功" },
  en: { docs: "Docs", quickstart: "Quickstart", auth: "Authentication", docsH1: "AI Hub developer documentation", quickH1: "Quickstart: your first chat call in five minutes", authH1: "Authentication", steps: "Your first call in three steps", keys: "API keys", copied: "Copied to the clipboard", reply: 'You said: "Hello!"', complete: "Your first call went through" },
} as const;
type Lang = keyof typeof LANGS;

async function open(lang: Lang, options: { javaScriptEnabled?: boolean; width?: number } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await hub.browser.newContext({
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    locale: lang === "en" ? "en-US" : "zh-CN",
    extraHTTPHeaders: { "accept-language": lang === "en" ? "en-US,en;q=0.9" : "zh-CN,zh;q=0.9" },
    viewport: { width: options.width ?? 1280, height: 900 },
  });
  if (options.javaScriptEnabled !== false) await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: hub.hub.base });
  return { context, page: await context.newPage() };
}

/** Runs a snippet as a reader would paste it into a shell; its stdout. */
async function runInShell(script: string): Promise<string> {
  const proc = Bun.spawn(["bash", "-c", script], { stdout: "pipe", stderr: "pipe" });
  const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  expect(code).toBe(0);
  return out;
}

const doneSteps = (page: Page) => page.locator("#onboarding .step.done").count();
const noHorizontalScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);

for (const lang of ["zh-CN", "en"] as const) {
  const text = LANGS[lang];

  describe(`developer docs in ${lang}`, () => {
    test("linked from the header, rendered with highlighted code, links between pages lead to pages", async () => {
      const { context, page } = await open(lang);
      try {
        await hub.register(page);
        await page.click(`nav.main >> text=${text.docs}`);
        expect(page.url()).toBe(`${hub.hub.base}/docs`);
        expect(await page.textContent("article.doc h1")).toBe(text.docsH1);
        // The contents table's link to the quickstart (quickstart.md in the Markdown) is a console path.
        await page.click(`article.doc table >> text=${text.quickstart}`);
        expect(page.url()).toBe(`${hub.hub.base}/docs/quickstart`);
        expect(await page.textContent("article.doc h1")).toBe(text.quickH1);
        expect(await page.locator("article.doc pre.code .hljs-string").count()).toBeGreaterThan(5);
        // Highlighted: a keyword's colour differs from the plain code's.
        const colours = await page.evaluate(() => {
          const keyword = document.querySelector("article.doc pre.code .hljs-keyword")!;
          return [getComputedStyle(keyword).color, getComputedStyle(keyword.closest("pre")!).color];
        });
        expect(colours[0]).not.toBe(colours[1]);
        expect(await page.locator("article.doc script").count()).toBe(0);
        await page.screenshot({ path: join(SHOTS, `docs-quickstart-${lang}-1280.png`), fullPage: true });
        await page.click(`article.doc >> text=${text.auth} >> nth=-1`);
        expect(page.url()).toBe(`${hub.hub.base}/docs/authentication`);
        expect(await page.textContent("article.doc h1")).toBe(text.authH1);
        // An example linked from the docs opens as highlighted source.
        await page.goto(`${hub.hub.base}/docs`);
        await page.click("article.doc >> text=examples/python/basic_chat.py");
        expect(page.url()).toBe(`${hub.hub.base}/docs/examples/python/basic_chat.py`);
        expect(await page.locator("pre.code .hljs-keyword").count()).toBeGreaterThan(3);
        await page.setViewportSize({ width: 375, height: 800 });
        for (const path of ["/docs", "/docs/quickstart", "/docs/rate-limits", "/docs/errors"]) {
          await page.goto(`${hub.hub.base}${path}`);
          expect({ path, fits: await noHorizontalScroll(page) }).toEqual({ path, fits: true });
        }
        await page.goto(`${hub.hub.base}/docs/quickstart`);
        await page.screenshot({ path: join(SHOTS, `docs-quickstart-${lang}-375.png`), fullPage: true });
      } finally {
        await context.close();
      }
    }, 60_000);
  });

  describe(`first steps in ${lang} with JavaScript on`, () => {
    test("three steps → create a key → snippets with its key → a call → the steps tick without a reload", async () => {
      const { context, page } = await open(lang);
      try {
        await hub.register(page);
        expect(await page.textContent("#onboarding h2")).toBe(text.steps);
        expect(await page.locator("#onboarding .step").count()).toBe(3);
        expect(await doneSteps(page)).toBe(0);
        await page.screenshot({ path: join(SHOTS, `onboarding-empty-${lang}-1280.png`), fullPage: true });

        await page.click("#onboarding a[href='/dashboard/api-keys#name']");
        await page.fill("#name", "first key");
        await page.click("#create-key button[type=submit]");
        await page.waitForSelector("#key-created");
        const secret = await page.inputValue("#new-key-secret");
        expect(secret).toMatch(/^ai-hub-[A-Za-z0-9_-]{43}$/);
        const snippets = Object.fromEntries(await Promise.all(["curl", "python", "javascript"].map(async (name) => [name, await page.textContent(`#snippet-${name}`) ?? ""] as const)));
        for (const body of Object.values(snippets)) {
          expect(body).toContain(secret);
          expect(body).toContain(`${hub.hub.base}/v1`);
        }
        expect(snippets.python).toContain("from openai import OpenAI");
        expect(snippets.javascript).toContain('import OpenAI from "openai"');
        await page.click("button[data-copy='snippet-python']");
        await page.waitForFunction(() => document.getElementById("snippet-python-status")?.textContent !== "");
        expect(await page.textContent("#snippet-python-status")).toBe(text.copied);
        expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(snippets.python!);
        await page.screenshot({ path: join(SHOTS, `key-snippets-${lang}-1280.png`), fullPage: true });

        await page.goto(`${hub.hub.base}/dashboard`);
        expect(await doneSteps(page)).toBe(1);
        // The call: the curl snippet as copied from the page, run in a shell; the demo model answers in the page's language.
        const answer = JSON.parse(await runInShell(snippets.curl!)) as { choices: Array<{ message: { content: string } }> };
        expect(answer.choices[0]!.message.content).toContain(text.reply);
        await page.waitForFunction(() => document.querySelectorAll("#onboarding .step.done").length === 3, undefined, { timeout: 15_000 });
        expect(await page.textContent("#onboarding")).toContain(text.complete);
        expect(await page.textContent("#dashboard-body")).toContain("first key");
        await page.screenshot({ path: join(SHOTS, `onboarding-done-${lang}-1280.png`), fullPage: true });
      } finally {
        await context.close();
      }
    }, 60_000);

    test("the snippets panel closes with its button, and after a revoke", async () => {
      const { context, page } = await open(lang);
      page.on("dialog", (dialog) => dialog.accept());
      try {
        await hub.register(page);
        await page.goto(`${hub.hub.base}/dashboard/api-keys`);
        await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
        await page.fill("#name", "closed by its button");
        await page.click("#create-key button[type=submit]");
        await page.waitForSelector("#key-created");
        await page.click("#key-created [data-dismiss]");
        expect(await page.locator("#key-created").count()).toBe(0);
        expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);

        await page.fill("#name", "revoked at once");
        await page.click("#create-key button[type=submit]");
        await page.waitForSelector("#key-created");
        await page.locator("#keys-table tbody tr", { hasText: "revoked at once" }).locator("button.danger").click();
        await page.waitForSelector("#key-created", { state: "detached" });
        expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
      } finally {
        await context.close();
      }
    }, 60_000);
  });

  describe(`first steps in ${lang} with JavaScript off`, () => {
    test("creating a key shows the snippets; after a call a reload shows the steps ticked", async () => {
      const { context, page } = await open(lang, { javaScriptEnabled: false });
      try {
        await hub.register(page);
        expect(await page.locator("#onboarding .step").count()).toBe(3);
        await page.goto(`${hub.hub.base}/dashboard/api-keys`);
        await page.fill("#name", "no script");
        await page.click("#create-key button[type=submit]");
        await page.waitForSelector("#key-created");
        const secret = await page.inputValue("#new-key-secret");
        for (const name of ["curl", "python", "javascript"]) expect(await page.textContent(`#snippet-${name}`)).toContain(secret);
        await page.screenshot({ path: join(SHOTS, `key-snippets-nojs-${lang}-1280.png`), fullPage: true });
        // The close link works as a plain link: the page comes back without the secret.
        await Promise.all([page.waitForURL(`${hub.hub.base}/dashboard/api-keys`), page.click("#key-created [data-dismiss]")]);
        expect(await page.locator("#key-created").count()).toBe(0);
        expect(await page.textContent("body")).not.toContain(secret);

        expect(await hub.chat(secret)).toBe(200);
        await page.goto(`${hub.hub.base}/dashboard`);
        for (let i = 0; i < 20 && (await doneSteps(page)) < 3; i++) {
          await Bun.sleep(250);
          await page.reload();
        }
        expect(await doneSteps(page)).toBe(3);
      } finally {
        await context.close();
      }
    }, 60_000);
  });
}
