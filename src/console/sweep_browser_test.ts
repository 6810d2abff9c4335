// Every console page (CONSOLE_PAGES) in Chromium, in zh-CN and English, at 375 and 1280 px, with JavaScript on and
// off: nothing scrolls sideways, every button is inside the viewport, axe-core finds no violation, and a screenshot
// of each lands in test-output/screenshots/<page>-<lang>-<width>[-nojs].png.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { type ConsoleBrowser, openConsoleBrowser, SHOTS } from "../testing/console_browser.ts";
import { BACKENDS, closeTestDatabases, freshPostgresUrl } from "../testing/databases.ts";
import { TEST_JWT_SECRET } from "../testing/harness.ts";
import { CONSOLE_PAGES, type ConsolePage, setUpSweep, type SweepSetup, type Viewer } from "../testing/console_pages.ts";

const ADMIN_EMAIL = "sweep-operator@example.com";
// Read once and evaluated in each page (not a <script> tag: the console's CSP rightly refuses inline scripts, and
// turning the CSP off for the scan would hide what it breaks).
const AXE = await Bun.file(Bun.resolveSync("axe-core/axe.min.js", import.meta.dir)).text();
const PARALLEL = 3;

let chrome: ConsoleBrowser;
let setup: SweepSetup;
beforeAll(async () => {
  // On PostgreSQL when the suites have it: a hub on a fresh PGlite takes far longer to start on a busy machine.
  const storage: Record<string, string> = BACKENDS.includes("postgres") ? { DATABASE_URL: await freshPostgresUrl(), JWT_SECRET: TEST_JWT_SECRET } : {};
  chrome = await openConsoleBrowser({ ...storage, ADMIN_EMAILS: ADMIN_EMAIL, WEBHOOK_ALLOW_PRIVATE: "true" });
  setup = await setUpSweep(chrome.browser, chrome.hub.base, ADMIN_EMAIL);
}, 120_000);
afterAll(async () => {
  await chrome?.close();
  await closeTestDatabases();
});

/** What is wrong with the page's layout at its width: sideways scrolling, buttons (partly) outside the viewport. */
function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const width = window.innerWidth;
    const scrollWidth = document.documentElement.scrollWidth;
    if (scrollWidth > width) problems.push(`scrolls sideways (${scrollWidth} px wide at ${width} px)`);
    const actions = document.querySelectorAll("button, a.button, input[type=submit], input[type=button], summary");
    for (const element of Array.from(actions)) {
      if (!element.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      if (box.left < -0.5 || box.right > width + 0.5) {
        const label = (element.textContent ?? "").trim().slice(0, 40) || element.getAttribute("aria-label") || element.outerHTML.slice(0, 60);
        problems.push(`"${label}" is outside the viewport (${Math.round(box.left)}–${Math.round(box.right)} px)`);
      }
    }
    return problems;
  });
}

/** axe-core's violations on the page, one line each with the first elements they concern. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  return await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(", ")}${v.nodes.length > 3 ? ` and ${v.nodes.length - 3} more` : ""}`);
  });
}

async function visit(context: BrowserContext, entry: ConsolePage, options: { lang: string; width: number; javaScript: boolean }): Promise<string[]> {
  const page = await context.newPage();
  try {
    const path = typeof entry.path === "string" ? entry.path : entry.path(setup.fixture);
    const response = await page.goto(`${chrome.hub.base}${path}`);
    const problems: string[] = [];
    if (response?.status() !== (entry.status ?? 200)) problems.push(`answered ${response?.status()}, not ${entry.status ?? 200}`);
    // A page that sends this viewer elsewhere (a visitor to /login) would be checked under the wrong name.
    const landed = new URL(page.url()).pathname;
    if (landed !== new URL(path, chrome.hub.base).pathname) problems.push(`landed on ${landed}`);
    if (options.javaScript && entry.ready) await page.waitForSelector(entry.ready, { timeout: 60_000 });
    problems.push(...(await layoutProblems(page)));
    if (options.javaScript) problems.push(...(await axeViolations(page)).map((v) => `axe: ${v}`));
    const shot = `${entry.name}-${options.lang}-${options.width}${options.javaScript ? "" : "-nojs"}.png`;
    await page.screenshot({ path: join(SHOTS, shot), fullPage: true });
    return problems.map((p) => `${entry.name} (${path}): ${p}`);
  } finally {
    await page.close();
  }
}

/** Runs `work` over `items`, `limit` at a time. */
async function inParallel<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

for (const lang of ["zh-CN", "en"]) {
  for (const width of [375, 1280]) {
    for (const javaScript of [true, false]) {
      const what = javaScript ? "axe-core finds nothing, nothing scrolls sideways and every button is on screen" : "without JavaScript nothing scrolls sideways and every button is on screen";
      describe(`every console page in ${lang} at ${width} px`, () => {
        test(what, async () => {
          const contexts = new Map<Viewer, BrowserContext>();
          try {
            for (const viewer of ["visitor", "user", "admin"] as const) {
              const context = await chrome.browser.newContext({
                javaScriptEnabled: javaScript,
                locale: lang,
                viewport: { width, height: 800 },
                storageState: setup.states[viewer],
              });
              await context.addCookies([{ name: "aihub_lang", value: lang, url: chrome.hub.base }]);
              contexts.set(viewer, context);
            }
            const problems = await inParallel(CONSOLE_PAGES, PARALLEL, (entry) => visit(contexts.get(entry.as)!, entry, { lang, width, javaScript }));
            expect(problems.flat()).toEqual([]);
          } finally {
            await Promise.all([...contexts.values()].map((c) => c.close()));
          }
        }, 240_000);
      });
    }
  }
}

describe("the page shell on a phone", () => {
  test("without JavaScript the header's menu opens with every section inside the viewport, and Tab reaches the skip link first", async () => {
    const context = await chrome.browser.newContext({ javaScriptEnabled: false, locale: "zh-CN", viewport: { width: 375, height: 800 }, storageState: setup.states.admin });
    await context.addCookies([{ name: "aihub_lang", value: "zh-CN", url: chrome.hub.base }]);
    const page = await context.newPage();
    try {
      await page.goto(`${chrome.hub.base}/dashboard/api-keys`);
      expect(await page.isVisible("nav.main")).toBe(false);
      expect(await page.isVisible("nav.main-menu")).toBe(false);

      await page.keyboard.press("Tab");
      const skip = await page.evaluate(() => {
        const focused = document.activeElement as HTMLElement;
        const box = focused.getBoundingClientRect();
        return { text: focused.textContent, inside: box.left >= 0 && box.right <= innerWidth && box.top >= 0, outline: getComputedStyle(focused).outlineStyle };
      });
      expect(skip).toEqual({ text: "跳到主要内容", inside: true, outline: "solid" });
      await page.keyboard.press("Enter");
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");

      await page.click("details.menu summary");
      const links = await page.$$eval("nav.main-menu a", (anchors) => anchors.map((a) => {
        const box = a.getBoundingClientRect();
        return { text: a.textContent, current: a.getAttribute("aria-current"), inside: box.width > 0 && box.left >= 0 && box.right <= innerWidth };
      }));
      // The same sections as the desktop navigation, the operators' one included.
      expect(links.map((l) => l.text)).toEqual(await page.$$eval("nav.main a", (anchors) => anchors.map((a) => a.textContent)));
      expect(links.map((l) => l.text)).toEqual(expect.arrayContaining(["控制台", "API密钥", "请求日志", "账户设置", "管理"]));
      expect(links.every((l) => l.inside)).toBe(true);
      expect(links.filter((l) => l.current === "page").map((l) => l.text)).toEqual(["API密钥"]);
      await page.screenshot({ path: join(SHOTS, "menu-zh-CN-375-nojs.png") });
      await Promise.all([page.waitForURL(`${chrome.hub.base}/dashboard/logs`), page.click("nav.main-menu >> text=请求日志")]);
      expect(await page.textContent("h1")).toBe("请求日志");
    } finally {
      await context.close();
    }
  }, 30_000);
});
