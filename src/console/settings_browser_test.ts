// Account recovery and settings in a real browser (Debian's Chromium) against a hub process and a real SMTP server,
// in zh-CN: forgot password → mail → link → new password → log in; settings: end another session, create a
// webhook and see its secret once, delete the account. Screenshots at 375 and 1280 px.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { type ConsoleBrowser, email, openConsoleBrowser, SHOTS } from "../testing/console_browser.ts";
import { linkIn, startTestSmtp, type TestSmtp } from "../testing/smtp.ts";

const PASSWORD = "browser-password-1";
let smtp: TestSmtp;
let console_: ConsoleBrowser;
let browser: Browser;
let base: string;

/** A port nothing listens on right now, so PUBLIC_URL (the mails' links) can name the hub's before it starts. */
function freePort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

beforeAll(async () => {
  smtp = await startTestSmtp();
  const port = freePort();
  console_ = await openConsoleBrowser({ PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, SMTP_URL: smtp.url, NOTIFY_POLL_MS: "50", WEBHOOK_ALLOW_PRIVATE: "true" });
  ({ browser } = console_);
  base = console_.hub.base;
}, 60_000);

afterAll(async () => {
  await console_?.close();
  await smtp?.close();
});

/** Screenshots of the page as it is now at phone and desktop widths; true when neither scrolls sideways. */
async function shoot(page: Page, name: string): Promise<boolean> {
  let fits = true;
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: true });
    const wide = await page.evaluate(() => Array.from(document.querySelectorAll("body *")).filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && !el.parentElement?.closest(".table-wrap")).map((el) => `${el.tagName}.${el.className}#${el.id}`).slice(0, 8));
    if (wide.length) console.log(`${name} at ${width} px: wider than the window: ${wide.join(" ")}`);
    fits &&= await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  return fits;
}

async function newPage(javaScriptEnabled = true): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ javaScriptEnabled, locale: "zh-CN", viewport: { width: 1280, height: 900 } });
  return { context, page: await context.newPage() };
}

async function logIn(page: Page, mail: string, password: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill("#email", mail);
  await page.fill("#password", password);
  await Promise.all([page.waitForURL(`${base}/dashboard`), page.click("#auth-form button[type=submit]")]);
}

for (const javaScriptEnabled of [true, false]) {
  describe(`recovering a forgotten password with JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test("forgot password → the mail arrives → its link → a new password → log in with it", async () => {
      const mail = email("forgot");
      const owner = await newPage();
      await console_.register(owner.page, { mail });
      await owner.context.close();

      const { context, page } = await newPage(javaScriptEnabled);
      try {
        await page.goto(`${base}/login`);
        await page.click("text=忘记密码？");
        expect(await page.textContent("h1")).toBe("找回密码");
        if (javaScriptEnabled) expect(await shoot(page, "forgot-password")).toBe(true);
        await page.fill("#email", mail);
        await page.click("#forgot-block button[type=submit]");
        await page.waitForSelector("text=我们已向该邮箱发送了重置链接（如果该邮箱已注册）。");
        if (javaScriptEnabled) expect(await shoot(page, "forgot-password-sent")).toBe(true);

        const received = await smtp.waitFor((m) => m.to.includes(mail) && m.text.includes("/reset-password"));
        expect(received.subject).toBe("重置您的 AI Hub 密码");
        await page.goto(linkIn(received, "/reset-password").toString());
        expect(await page.textContent("h1")).toBe("重置密码");
        if (javaScriptEnabled) expect(await shoot(page, "reset-password")).toBe(true);
        await page.fill("#password", "a new browser password");
        await page.click("#reset-block button[type=submit]");
        await page.waitForSelector("text=密码已重置，所有设备上的登录都已退出。");
        if (javaScriptEnabled) expect(await shoot(page, "reset-password-done")).toBe(true);
        await Promise.all([page.waitForURL(`${base}/login`), page.click("text=使用新密码登录")]);
        await logIn(page, mail, "a new browser password");
        expect(await page.textContent("h1")).toBe("控制台");

        // The used link now says so, with a way to ask again.
        await page.goto(linkIn(received, "/reset-password").toString());
        await page.fill("#password", "yet another password");
        await page.click("#reset-block button[type=submit]");
        await page.waitForSelector("text=该重置链接无效、已过期或已被使用。");
        if (javaScriptEnabled) expect(await shoot(page, "reset-password-invalid")).toBe(true);
        expect(await page.getAttribute("text=重新获取重置链接", "href")).toBe("/forgot-password");
      } finally {
        await context.close();
      }
    }, 60_000);
  });
}

describe("email verification in the browser", () => {
  test("the dashboard banner resends the mail; its link verifies the address", async () => {
    const mail = email("verify");
    const { context, page } = await newPage();
    try {
      await console_.register(page, { mail });
      await page.waitForSelector("#verify-banner");
      expect(await shoot(page, "dashboard-unverified")).toBe(true);
      await page.click("#verify-banner button[type=submit]");
      await page.waitForSelector("text=验证邮件已发送，请查收。");
      await smtp.waitFor((m) => m.to.includes(mail) && m.text.includes("/verify-email"));
      const last = smtp.mails.findLast((m) => m.to.includes(mail) && m.text.includes("/verify-email"))!;
      await page.goto(linkIn(last, "/verify-email").toString());
      expect(await page.textContent(".success")).toBe("邮箱验证成功，谢谢！");
      expect(await shoot(page, "verify-email")).toBe(true);
      await page.click("text=进入控制台");
      expect(await page.$("#verify-banner")).toBeNull();
    } finally {
      await context.close();
    }
  }, 60_000);
});

describe("settings in the browser", () => {
  test("end another session, create a webhook and see its secret once, send a test event, delete the account", async () => {
    const mail = email("settings");
    const mine = await newPage();
    const other = await newPage();
    const dialogs: string[] = [];
    mine.page.on("dialog", async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.accept();
    });
    try {
      await console_.register(mine.page, { mail });
      await logIn(other.page, mail, PASSWORD);
      await mine.page.click("nav.main >> text=账户设置");
      expect(await mine.page.textContent("h1")).toBe("账户设置");
      expect(await mine.page.locator("#sessions-section tbody tr").count()).toBe(2);
      expect(await mine.page.textContent("#sessions-section")).toContain("当前设备");
      expect(await mine.page.textContent("#sessions-section")).toContain("Chrome · Linux");

      await mine.page.click("#sessions-section tbody tr:not(:has(.badge)) button");
      await mine.page.waitForSelector("text=该设备已下线。");
      expect(await mine.page.locator("#sessions-section tbody tr").count()).toBe(1);
      await other.page.goto(`${base}/keys`);
      expect(other.page.url()).toBe(`${base}/login`);

      await mine.page.fill("#webhook_url", "http://127.0.0.1:9/hook");
      await mine.page.uncheck("input[name='event.key.expiring']");
      await mine.page.click("#create-webhook button[type=submit]");
      await mine.page.waitForSelector("#webhook-created");
      const secret = await mine.page.inputValue("#new-webhook-secret");
      expect(secret).toMatch(/^whsec_[\w-]+$/);
      expect(await mine.page.textContent("#webhooks-section .webhook")).toContain("quota.threshold, key.revoked");
      await mine.page.click("#webhooks-section .webhook button.secondary");
      await mine.page.waitForSelector("text=测试事件已加入发送队列。");
      expect(await mine.page.textContent("#webhooks-section .webhook table")).toContain("webhook.test");
      expect(await shoot(mine.page, "settings")).toBe(true);
      await mine.page.reload();
      expect(await mine.page.content()).not.toContain(secret);

      await mine.page.fill("#delete_password", PASSWORD);
      await mine.page.check("input[name=confirm]");
      await Promise.all([mine.page.waitForURL(`${base}/login?deleted=1`), mine.page.click("#delete-section button[type=submit]")]);
      expect(await mine.page.textContent(".success")).toBe("您的账户已注销。");
      expect(await shoot(mine.page, "account-deleted")).toBe(true);
      await mine.page.goto(`${base}/dashboard`);
      expect(mine.page.url()).toBe(`${base}/login`);
      expect(dialogs).toEqual([]);
    } finally {
      await mine.context.close();
      await other.context.close();
    }
  }, 90_000);
});
