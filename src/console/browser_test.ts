// The console in a real browser (Debian's Chromium driven by playwright-core): the newcomer journey with and
// without JavaScript, languages, escaping, CSRF, and screenshots at phone and desktop widths.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { email, SHOTS, useConsoleBrowser } from "../testing/console_browser.ts";

const XSS = "<img src=x onerror=alert(1)>";

const console_ = useConsoleBrowser();
const register = (page: Page, options?: { name?: string; mail?: string }) => console_.register(page, options);
const chat = (secret: string) => console_.chat(secret);

async function noHorizontalScroll(page: Page): Promise<boolean> {
  return await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}

for (const javaScriptEnabled of [true, false]) {
  describe(`the newcomer journey with JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test("register → dashboard → create key → copy → call the API → usage → revoke → 401", async () => {
      const context = await console_.browser.newContext({ javaScriptEnabled, locale: "zh-CN", viewport: { width: 1280, height: 900 } });
      if (javaScriptEnabled) await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: console_.hub.base });
      const page = await context.newPage();
      const dialogs: string[] = [];
      page.on("dialog", async (dialog) => {
        dialogs.push(dialog.message());
        await dialog.accept();
      });
      try {
        await register(page);
        expect(await page.textContent("h1")).toBe("控制台");
        expect(await page.textContent("body")).toContain("未配置上游模型服务");

        await page.click("nav.main >> text=API密钥");
        expect(await page.textContent("h1")).toBe("API密钥管理");
        expect(await page.textContent("body")).toContain("创建新密钥");
        await page.fill("#name", "browser key");
        await page.fill("#description", "made in chromium");
        if (javaScriptEnabled) await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
        await page.click("#create-key button[type=submit]");
        await page.waitForSelector("#key-created");
        expect(await page.textContent("#key-created")).toContain("⚠️ 请立即复制此密钥，它只会显示一次！");
        const secret = await page.inputValue("#new-key-secret");
        expect(secret).toMatch(/^ai-hub-[A-Za-z0-9_-]{43}$/);
        if (javaScriptEnabled) {
          // Created without a reload, and the copy button really copies.
          expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
          await page.click("button[data-copy]");
          await page.waitForFunction(() => document.getElementById("copy-status")?.textContent !== "");
          expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
        }
        expect(await page.textContent("#keys-table")).toContain("browser key");

        expect(await chat(secret)).toBe(200);
        await page.waitForTimeout(300);

        await page.goto(`${console_.hub.base}/usage?days=7`);
        expect(await page.textContent("#usage-chart")).toContain("合计: 1 次请求");
        expect(await page.textContent("body")).toContain("browser key");
        await page.goto(`${console_.hub.base}/dashboard`);
        expect(await page.getAttribute("progress.quota", "value")).toBe("1");
        expect(await page.textContent("body")).toContain("已用 1 / 10,000 次请求");

        await page.goto(`${console_.hub.base}/keys`);
        const row = page.locator("#keys-table tbody tr", { hasText: "browser key" });
        if (javaScriptEnabled) {
          await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));
          await row.locator("button", { hasText: "撤销" }).click();
          await page.waitForFunction(() => document.querySelector("#keys-table tbody tr")?.textContent?.includes("已撤销"));
          expect(dialogs).toContain("确定要撤销此API密钥吗？此操作不可撤销。");
          expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(7);
        } else {
          await row.locator("button", { hasText: "撤销" }).click();
          // Without JavaScript the confirmation is a page of its own.
          expect(await page.textContent("body")).toContain("确定要撤销此API密钥吗？此操作不可撤销。");
          await Promise.all([page.waitForURL(`${console_.hub.base}/dashboard/api-keys`), page.click("form >> button.danger")]);
          expect(await page.locator("#keys-table tbody tr", { hasText: "browser key" }).textContent()).toContain("已撤销");
        }
        expect(await chat(secret)).toBe(401);
      } finally {
        await context.close();
      }
    }, 60_000);
  });
}

test("validation errors appear next to the field as HTML, not JSON", async () => {
  const context = await console_.browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  try {
    await page.goto(`${console_.hub.base}/register`);
    await page.fill("#email", "not-an-email");
    await page.fill("#password", "short");
    await page.click("button[type=submit]");
    await page.waitForSelector("#email-error");
    expect(await page.textContent("#email-error")).toContain("email");
    expect(await page.textContent("body")).not.toContain('{"detail"');
    expect(page.url()).toBe(`${console_.hub.base}/register`);
  } finally {
    await context.close();
  }
});

test("English is one click away, persists, and a first visit follows Accept-Language", async () => {
  const zh = await console_.browser.newContext({ locale: "zh-CN" });
  const page = await zh.newPage();
  try {
    await page.goto(`${console_.hub.base}/login`);
    expect(await page.textContent("h1")).toBe("登录到 AI Hub");
    await page.click("text=English");
    expect(await page.textContent("h1")).toBe("Log in to AI Hub");
    await page.reload();
    expect(await page.textContent("h1")).toBe("Log in to AI Hub");
    await page.click("text=中文");
    expect(await page.textContent("h1")).toBe("登录到 AI Hub");
  } finally {
    await zh.close();
  }
  const en = await console_.browser.newContext({ locale: "en-US", extraHTTPHeaders: { "accept-language": "en-US,en;q=0.9" } });
  try {
    const p = await en.newPage();
    await p.goto(`${console_.hub.base}/login`);
    expect(await p.textContent("h1")).toBe("Log in to AI Hub");
  } finally {
    await en.close();
  }
});

test("a name and a key name of <img onerror> show as text and no dialog fires", async () => {
  const context = await console_.browser.newContext({ locale: "zh-CN" });
  const page = await context.newPage();
  let dialogs = 0;
  page.on("dialog", async (dialog) => {
    dialogs++;
    await dialog.dismiss();
  });
  try {
    await register(page, { name: XSS });
    await page.goto(`${console_.hub.base}/keys`);
    await page.fill("#name", XSS);
    await page.fill("#description", XSS);
    await page.click("#create-key button[type=submit]");
    await page.waitForSelector("#key-created");
    await page.goto(`${console_.hub.base}/keys`);
    expect(await page.textContent("#keys-table")).toContain(XSS);
    expect(await page.locator("#keys-table img").count()).toBe(0);
    await page.goto(`${console_.hub.base}/usage`);
    await page.waitForTimeout(200);
    expect(dialogs).toBe(0);
  } finally {
    await context.close();
  }
});

test("a form posted without the CSRF token is refused and changes nothing", async () => {
  const context = await console_.browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  try {
    await register(page);
    await page.goto(`${console_.hub.base}/keys`);
    const statuses = await page.evaluate(async () => {
      const without = await fetch("/dashboard/api-keys", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "name=forged" });
      const wrong = await fetch("/dashboard/api-keys", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "name=forged&_csrf=wrong-token-wrong-token-wrong" });
      return [without.status, wrong.status];
    });
    expect(statuses).toEqual([403, 403]);
    await page.reload();
    expect(await page.textContent("body")).not.toContain("forged");
  } finally {
    await context.close();
  }
});

test("the playground streams an answer charged to the chosen key", async () => {
  const context = await console_.browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  try {
    await register(page);
    await page.goto(`${console_.hub.base}/keys`);
    await page.fill("#name", "playground key");
    await page.click("#create-key button[type=submit]");
    await page.waitForSelector("#key-created");
    await page.goto(`${console_.hub.base}/playground`);
    await page.fill("#pg-message", "hello playground");
    await page.click("form[data-playground] button[type=submit]");
    await page.waitForSelector(".pg-assistant .pg-metrics");
    expect(await page.textContent(".pg-assistant .pg-text")).toContain("hello playground");
    await page.waitForTimeout(300);
    await page.goto(`${console_.hub.base}/keys`);
    expect(await page.locator("#keys-table tbody tr", { hasText: "playground key" }).locator("td.num").textContent()).toBe("1");
  } finally {
    await context.close();
  }
});

test("without JavaScript the playground answers in the page, and the usage CSV downloads", async () => {
  const context = await console_.browser.newContext({ javaScriptEnabled: false, locale: "en-US" });
  const page = await context.newPage();
  try {
    await register(page);
    await page.goto(`${console_.hub.base}/keys`);
    await page.fill("#name", "no-js playground");
    await page.click("#create-key button[type=submit]");
    await page.waitForSelector("#key-created");
    await page.goto(`${console_.hub.base}/playground`);
    await page.fill("#pg-message", "plain form please");
    await Promise.all([page.waitForLoadState("load"), page.click("form[data-playground] button[type=submit]")]);
    expect(await page.textContent(".pg-assistant .pg-text")).toContain("plain form please");
    expect(await page.textContent(".pg-assistant .pg-metrics")).toContain("tokens");
    const csv = await context.request.get(`${console_.hub.base}/dashboard/usage.csv?days=7`);
    expect(csv.headers()["content-type"]).toContain("text/csv");
    const lines = (await csv.text()).trim().split("\n");
    expect(lines[0]).toBe("date,requests,tokens,cost_usd");
    expect(lines).toHaveLength(8);
    expect(lines.at(-1)!.split(",")[1]).toBe("1");
  } finally {
    await context.close();
  }
});

test("the interactive API reference renders the OpenAPI document under the CSP", async () => {
  const context = await console_.browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  try {
    await page.goto(`${console_.hub.base}/docs/api`);
    await page.waitForSelector(".swagger-ui .info .title");
    expect(await page.textContent(".swagger-ui .info .title")).toContain("AI Hub API");
    expect(await page.textContent(".swagger-ui")).toContain("/v1/chat/completions");
    expect(violations).toEqual([]);
  } finally {
    await context.close();
  }
});

test("screenshots of dashboard, keys and usage at 375 px and 1280 px, with no horizontal scrolling", async () => {
  for (const width of [375, 1280]) {
    const context = await console_.browser.newContext({ locale: "zh-CN", viewport: { width, height: 900 } });
    const page = await context.newPage();
    try {
      await register(page, { name: "Screenshot User" });
      await page.goto(`${console_.hub.base}/keys`);
      await page.fill("#name", "production backend");
      await page.fill("#description", "the main service");
      await page.click("#create-key button[type=submit]");
      await page.waitForSelector("#key-created");
      const secret = await page.inputValue("#new-key-secret");
      for (let i = 0; i < 3; i++) await chat(secret);
      await page.waitForTimeout(300);
      for (const [name, path] of [["dashboard", "/dashboard"], ["keys", "/dashboard/api-keys"], ["usage", "/dashboard/usage?days=30"]]) {
        await page.goto(`${console_.hub.base}${path}`);
        expect(await noHorizontalScroll(page)).toBe(true);
        await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: true });
      }
    } finally {
      await context.close();
    }
  }
}, 60_000);
