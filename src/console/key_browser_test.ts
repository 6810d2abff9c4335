// A key's page and the usage charts in Chromium at 375 px and 1280 px: the charts fit without sideways scrolling,
// their labels are readable, tooltips open on hover and on tap, an empty period is said in words, and the settings
// form works without JavaScript. Screenshots go to test-output/screenshots/.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { SHOTS, useConsoleBrowser } from "../testing/console_browser.ts";
import { freshPostgresUrl } from "../testing/databases.ts";
import { TEST_JWT_SECRET } from "../testing/harness.ts";

// Priced demo calls, so the cost chart is drawn (at the default price of 0 the page says the calls were free).
// On PostgreSQL: the hub starts in a second even on a busy machine, where a first PGlite start can take a minute.
const console_ = useConsoleBrowser({ DEMO_INPUT_PRICE: "3", DEMO_OUTPUT_PRICE: "15", DATABASE_URL: await freshPostgresUrl(), JWT_SECRET: TEST_JWT_SECRET });

async function noHorizontalScroll(page: Page): Promise<boolean> {
  return await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}

/** Creates a key on the keys page; its id and secret. */
async function createKey(page: Page, name: string): Promise<{ id: number; secret: string }> {
  await page.goto(`${console_.hub.base}/dashboard/api-keys`);
  await page.fill("#name", name);
  await page.click("#create-key button[type=submit]");
  await page.waitForSelector("#key-created");
  const secret = await page.inputValue("#new-key-secret");
  await page.goto(`${console_.hub.base}/dashboard/api-keys`);
  const href = await page.locator("#keys-table a.key-link", { hasText: name }).getAttribute("href");
  return { id: Number(href!.split("/").at(-1)), secret };
}

/** Calls with `secret` (and one refused call) until the key's page shows them in its chart. */
async function useKey(page: Page, key: { id: number; secret: string }, calls: number) {
  for (let i = 0; i < calls; i++) expect(await console_.chat(key.secret)).toBe(200);
  const refused = await fetch(`${console_.hub.base}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${key.secret}`, "content-type": "application/json" }, body: JSON.stringify({ model: "no-such-model", messages: [{ role: "user", content: "x" }] }) });
  expect(refused.status).toBe(404);
  await refused.text();
  for (let attempt = 0; attempt < 50; attempt++) {
    await page.goto(`${console_.hub.base}/dashboard/api-keys/${key.id}`);
    if (await page.locator("#chart-requests").count()) return;
    await page.waitForTimeout(100);
  }
  throw new Error("the calls never reached the key's chart");
}

/** The smallest rendered font size among the chart's axis labels, and how many day labels are visible. */
async function axisLabels(page: Page, panel: string) {
  return await page.evaluate((selector) => {
    const labels = Array.from(document.querySelectorAll(`${selector} .chart-x b, ${selector} .chart-y span`)) as HTMLElement[];
    const sizes = labels.map((l) => parseFloat(getComputedStyle(l).fontSize));
    const inside = labels.every((l) => {
      const box = l.getBoundingClientRect();
      return box.left >= 0 && box.right <= window.innerWidth;
    });
    return { smallest: Math.min(...sizes), days: document.querySelectorAll(`${selector} .chart-x b`).length, columns: document.querySelectorAll(`${selector} .chart-col`).length, inside };
  }, panel);
}

/** The open tooltip's box, or null while it is hidden. */
async function tooltipBox(page: Page, column: string) {
  const box = await page.locator(`${column} .tip`).boundingBox();
  return box && box.width > 60 ? box : null;
}

for (const width of [375, 1280]) {
  describe(`a key's page at ${width} px`, () => {
    test("renders its charts for 30 and 7 days without sideways scrolling, with readable labels and tooltips on hover and tap", async () => {
      const phone = width < 600;
      const context = await console_.browser.newContext({ locale: "zh-CN", viewport: { width, height: 900 }, hasTouch: phone, isMobile: phone });
      const page = await context.newPage();
      try {
        await console_.register(page);
        const key = await createKey(page, `图表密钥 ${width}`);
        await useKey(page, key, 3);
        expect(await page.textContent("h1")).toBe(`图表密钥 ${width}`);
        for (const panel of ["#chart-requests", "#chart-tokens", "#chart-cost"]) expect(await page.locator(panel).isVisible()).toBe(true);
        expect(await page.textContent("#chart-requests")).toContain("成功 3 · 错误或被拒绝 1");
        expect(await page.textContent("#usage-chart")).toContain("日期为 UTC 日期");
        expect(await noHorizontalScroll(page)).toBe(true);
        const labels = await axisLabels(page, "#chart-requests");
        expect(labels.columns).toBe(30);
        expect(labels.days).toBeGreaterThanOrEqual(5);
        expect(labels.smallest).toBeGreaterThanOrEqual(11);
        expect(labels.inside).toBe(true);
        // Today's column: hidden tooltip until hovered (desktop) or tapped (phone), then inside the viewport.
        const today = "#chart-requests .chart-col:last-child";
        expect(await tooltipBox(page, today)).toBeNull();
        if (phone) await page.tap(today);
        else await page.hover(today);
        const box = await tooltipBox(page, today);
        expect(box).not.toBeNull();
        expect(box!.x).toBeGreaterThanOrEqual(0);
        expect(box!.x + box!.width).toBeLessThanOrEqual(width);
        const tip = await page.textContent(`${today} .tip`);
        expect(tip).toContain(`${new Date().toISOString().slice(0, 10)} UTC`);
        expect(tip).toContain("成功: 3");
        expect(tip).toContain("错误或被拒绝: 1");
        await page.screenshot({ path: join(SHOTS, `key-page-tooltip-${width}.png`), fullPage: true });
        // Tapping or hovering another day moves the tooltip there.
        const cost = "#chart-cost .chart-col:last-child";
        if (phone) await page.tap(cost);
        else await page.hover(cost);
        expect(await tooltipBox(page, cost)).not.toBeNull();
        expect(await page.textContent(`${cost} .tip`)).toMatch(/demo: \$0\.\d{6}/);
        if (phone) expect(await tooltipBox(page, today)).toBeNull();
        // Arrow keys walk the days of a focused chart.
        await page.focus(today);
        await page.keyboard.press("ArrowLeft");
        expect(await page.evaluate(() => document.activeElement?.closest(".chart-col")?.querySelector("strong")?.textContent)).toBe(`${new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)} UTC`);
        // Seven days, through the range switch (htmx swaps the block).
        await page.click("#key-usage nav.tabs a:first-child");
        await page.waitForFunction(() => document.querySelectorAll("#chart-requests .chart-col").length === 7);
        expect(page.url()).toContain("?days=7");
        // The language switch follows the pushed URL: the other language keeps the range.
        expect(await page.getAttribute("a[data-lang-switch]", "href")).toBe(`/lang?to=en&next=${encodeURIComponent(`/dashboard/api-keys/${key.id}?days=7`)}`);
        const week = await axisLabels(page, "#chart-requests");
        expect(week.days).toBe(7);
        expect(week.smallest).toBeGreaterThanOrEqual(11);
        expect(week.inside).toBe(true);
        expect(await noHorizontalScroll(page)).toBe(true);
        await page.screenshot({ path: join(SHOTS, `key-page-7d-${width}.png`), fullPage: true });
        // The last calls link into the request log, filtered by this key.
        await page.click(`a[href="/dashboard/logs?key=${key.id}"]`);
        await page.waitForURL(`${console_.hub.base}/dashboard/logs?key=${key.id}`);
        expect(await page.locator("#log-body tr").count()).toBe(4);
      } finally {
        await context.close();
      }
    }, 90_000);

    test("the usage page's charts fit and the empty key page says there were no calls", async () => {
      const context = await console_.browser.newContext({ locale: "en-US", viewport: { width, height: 900 } });
      const page = await context.newPage();
      try {
        await console_.register(page);
        const key = await createKey(page, "quiet key");
        await page.goto(`${console_.hub.base}/dashboard/api-keys/${key.id}`);
        expect(await page.textContent(".chart-empty")).toContain("This key made no calls in the last 30 days");
        expect(await page.locator("#usage-chart svg").count()).toBe(0);
        expect(await noHorizontalScroll(page)).toBe(true);
        await page.screenshot({ path: join(SHOTS, `key-page-empty-${width}.png`), fullPage: true });
        const busy = await createKey(page, "busy key");
        await useKey(page, busy, 2);
        await page.goto(`${console_.hub.base}/dashboard/usage?days=30`);
        expect(await page.textContent("#quota-explained")).toContain("“quota used” counts only model calls that were answered");
        expect(await noHorizontalScroll(page)).toBe(true);
        const labels = await axisLabels(page, "#chart-tokens");
        expect(labels.smallest).toBeGreaterThanOrEqual(11);
        expect(labels.inside).toBe(true);
        await page.screenshot({ path: join(SHOTS, `usage-charts-${width}.png`), fullPage: true });
      } finally {
        await context.close();
      }
    }, 90_000);
  });
}

test("without JavaScript the settings form saves and shows its errors in the page's language", async () => {
  const context = await console_.browser.newContext({ javaScriptEnabled: false, locale: "en-US", viewport: { width: 375, height: 900 } });
  const page = await context.newPage();
  try {
    await console_.register(page);
    const key = await createKey(page, "plain form key");
    await page.goto(`${console_.hub.base}/dashboard/api-keys/${key.id}`);
    await page.fill("#rate_limit", "500");
    await page.click("#key-settings button[type=submit]");
    expect(await page.textContent("#rate_limit-error")).toBe("The rate limit must be a whole number from 1 to 60 requests per minute (your plan's limit).");
    await page.fill("#name", "renamed without js");
    await page.fill("#rate_limit", "12");
    await page.fill("#expires_on", new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10));
    await Promise.all([page.waitForURL(`${console_.hub.base}/dashboard/api-keys/${key.id}?saved=1`), page.click("#key-settings button[type=submit]")]);
    expect(await page.textContent("h1")).toBe("renamed without js");
    expect(await page.textContent("dl.details")).toContain("12 requests/minute");
    expect(await noHorizontalScroll(page)).toBe(true);
    await page.screenshot({ path: join(SHOTS, "key-page-saved-375.png"), fullPage: true });
  } finally {
    await context.close();
  }
}, 90_000);
