// The console in Debian's Firefox ESR, driven over WebDriver BiDi by puppeteer-core (never a downloaded browser):
// the core of the newcomer journey and the escaping check, in a second engine.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer, { type Browser } from "puppeteer-core";
import { type HubProcess, spawnHub } from "../testing/process.ts";

const FIREFOX = process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr";

describe("the console in Firefox", () => {
  let hub: HubProcess;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(FIREFOX)) throw new Error(`Firefox not found at ${FIREFOX}: the test command installs Debian's firefox-esr`);
    hub = await spawnHub({ DATA_DIR: mkdtempSync(join(tmpdir(), "aihub-firefox-")), DEMO_CHUNK_DELAY_MS: "5" });
    browser = await puppeteer.launch({
      browser: "firefox",
      executablePath: FIREFOX,
      headless: true,
      protocol: "webDriverBiDi",
      userDataDir: mkdtempSync(join(tmpdir(), "aihub-firefox-profile-")),
      extraPrefsFirefox: { "intl.accept_languages": "zh-CN", "network.proxy.type": 0, "app.update.enabled": false, "browser.shell.checkDefaultBrowser": false },
    });
  }, 90_000);

  // Closing Firefox can take more than the default 5 s hook timeout on a loaded machine.
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  }, 30_000);

  test("register → create a key → the secret works → revoke → 401, with names escaped", async () => {
    const page = await browser.newPage();
    let dialogs = 0;
    page.on("dialog", async (dialog) => {
      dialogs++;
      await dialog.accept();
    });
    const name = "<img src=x onerror=alert(1)>";
    await page.goto(`${hub.base}/register`);
    expect(await page.$eval("h1", (h) => h.textContent)).toBe("注册 AI Hub 账户");
    await page.type("#full_name", name);
    await page.type("#email", `firefox-${Date.now()}@example.com`);
    await page.type("#password", "firefox-password-1");
    await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
    expect(page.url()).toBe(`${hub.base}/dashboard`);

    await page.goto(`${hub.base}/keys`);
    await page.type("#name", name);
    await page.click("#create-key button[type=submit]");
    await page.waitForSelector("#key-created");
    const secret = await page.$eval("#new-key-secret", (input) => (input as HTMLInputElement).value);
    expect(secret).toMatch(/^ai-hub-[A-Za-z0-9_-]{43}$/);
    expect(await page.$eval("#keys-table", (t) => t.textContent)).toContain(name);
    expect(await page.$$eval("#keys-table img", (imgs) => imgs.length)).toBe(0);

    const call = () => fetch(`${hub.base}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" }, body: JSON.stringify({ model: "demo", messages: [{ role: "user", content: "firefox" }] }) }).then(async (r) => (await r.text(), r.status));
    expect(await call()).toBe(200);

    await page.click("#keys-table button.danger");
    await page.waitForFunction(() => document.querySelector("#keys-table tbody tr")?.textContent?.includes("已撤销"));
    expect(dialogs).toBe(1);
    expect(await call()).toBe(401);
    await page.close();
  }, 60_000);
});
