// The operator's journey in Chromium: promote (while the hub runs) → log in → find a user → change the plan → add an
// upstream and a model → see it all in the audit log; the user actions again with JavaScript off; screenshots.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { email, SHOTS } from "../testing/console_browser.ts";
import { type FakeUpstream, startFakeUpstream } from "../testing/fake_upstream.ts";
import { call, type HubProcess, spawnHub } from "../testing/process.ts";

const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

describe("the admin console in Chromium", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "aihub-admin-browser-"));
  let hub: HubProcess;
  let browser: Browser;
  let upstream: FakeUpstream;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    upstream = startFakeUpstream({ record: false });
    hub = await spawnHub({ DATA_DIR: dataDir, REGISTRATIONS_PER_HOUR_PER_ADDRESS: "1000" });
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: FLAGS });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    await upstream?.stop();
  });

  async function shoot(page: Page, name: string) {
    for (const width of [375, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: true });
    }
  }

  test("promote → log in → find a user → change plan → add an upstream and a model → audit log", async () => {
    const target = email("target");
    await call(hub.base, "/api/v1/auth/register", { json: { email: target, password: "target-password-1", full_name: "Target <b>User</b>" } });
    const operator = email("operator");
    await call(hub.base, "/api/v1/auth/register", { json: { email: operator, password: "operator-password-1" } });
    const cli = Bun.spawn([process.execPath, "src/admin/cli.ts", "promote", operator], { env: { ...process.env, DATA_DIR: dataDir }, stdout: "pipe", stderr: "pipe" });
    expect(await cli.exited).toBe(0);

    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    await page.goto(`${hub.base}/lang?to=en&next=/login`);
    await page.fill("#email", operator);
    await page.fill("#password", "operator-password-1");
    await Promise.all([page.waitForURL(`${hub.base}/dashboard`), page.click("button[type=submit]")]);
    await Promise.all([page.waitForURL(`${hub.base}/admin`), page.click("nav.main a[href='/admin']")]);
    await shoot(page, "admin-overview");

    await page.goto(`${hub.base}/admin/users`);
    await page.fill("#q", target);
    await Promise.all([page.waitForURL(/\/admin\/users\?/), page.click("form[role=search] button[type=submit]")]);
    await Promise.all([page.waitForURL(/\/admin\/users\/\d+$/), page.click(`a:text("${target}")`)]);
    expect(await page.textContent("h1")).toBe(target);
    await page.selectOption("#plan", "pro");
    await Promise.all([page.waitForURL(/saved=1/), page.click("form[action$='/limits'] button[type=submit]")]);
    expect(await page.textContent("p.success")).toBe("Saved");
    await shoot(page, "admin-user");

    await page.goto(`${hub.base}/admin/catalog`);
    await page.click("summary:text('Add upstream')");
    await page.fill("#up-name", "browser-up");
    await page.fill("#up-base_url", upstream.url);
    await page.fill("#up-api_key", "sk-browser-secret");
    await Promise.all([page.waitForURL(/saved=1/), page.click("form[action='/admin/upstreams'] button[type=submit]")]);
    await page.goto(`${hub.base}/admin/catalog`);
    await page.click("summary:text('Add model')");
    await page.fill("#m-id", "browser-model");
    await page.selectOption("#m-upstream", "browser-up");
    await page.fill("#m-upstream_model", "fake-model");
    await page.fill("#m-input_price", "0.25");
    await page.fill("#m-output_price", "1.25");
    await Promise.all([page.waitForURL(/saved=1/), page.click("form[action='/admin/models'] button[type=submit]")]);
    expect(await page.content()).toContain("browser-model");
    expect(await page.content()).not.toContain("sk-browser-secret");
    await shoot(page, "admin-catalog");

    await page.goto(`${hub.base}/admin/audit`);
    const audit = await page.textContent("main");
    for (const action of ["user.promote", "user.update", "upstream.create", "model.create"]) expect(audit).toContain(action);
    expect(audit).not.toContain("sk-browser-secret");
    await shoot(page, "admin-audit");
    await page.goto(`${hub.base}/admin/plans`);
    await shoot(page, "admin-plans");
    await context.close();

    // The same user actions with JavaScript off: plain form posts and redirects.
    const plain = await browser.newContext({ javaScriptEnabled: false, locale: "zh-CN" });
    const p = await plain.newPage();
    await p.goto(`${hub.base}/login`);
    await p.fill("#email", operator);
    await p.fill("#password", "operator-password-1");
    await Promise.all([p.waitForURL(`${hub.base}/dashboard`), p.click("button[type=submit]")]);
    await p.goto(`${hub.base}/admin/users?q=${encodeURIComponent(target)}`);
    await Promise.all([p.waitForURL(/\/admin\/users\/\d+$/), p.click(`a:text("${target}")`)]);
    await p.selectOption("#plan", "enterprise");
    await Promise.all([p.waitForURL(/saved=1/), p.click("form[action$='/limits'] button[type=submit]")]);
    await Promise.all([p.waitForNavigation(), p.click("form[action$='/status'] button")]);
    expect(await p.textContent("main")).toContain("已停用");
    await Promise.all([p.waitForNavigation(), p.click("form[action$='/status'] button")]);
    expect(await p.textContent("main")).toContain("停用账户");
    await Promise.all([p.waitForNavigation(), p.click("form[action$='/reset'] button")]);
    expect(await p.inputValue(".secret input")).toMatch(/reset-password\?token=/);
    await p.setViewportSize({ width: 375, height: 900 });
    await p.screenshot({ path: join(SHOTS, "admin-user-nojs-zh-375.png"), fullPage: true });
    await plain.close();
    const shown = await (await call(hub.base, "/api/v1/auth/login", { json: { email: target, password: "target-password-1" } })).json() as { user: { plan: string; is_active: boolean } };
    expect(shown.user).toMatchObject({ plan: "enterprise", is_active: true, monthly_quota: 1_000_000 });
  }, 120_000);
});
