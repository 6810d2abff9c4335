// The playground in Debian's Chromium against a real upstream on loopback: a conversation the upstream sees whole,
// the stop button, compare, view code, upstream errors as alerts in both languages, the request log, screenshots.
import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { startFakeUpstream } from "../testing/fake_upstream.ts";
import { SHOTS, useConsoleBrowser } from "../testing/console_browser.ts";
import { freshPostgresUrl, REDIS_URL } from "../testing/databases.ts";
import { TEST_JWT_SECRET } from "../testing/harness.ts";

const upstream = startFakeUpstream();
// On PostgreSQL and Redis: a hub on them starts in a second, where a first PGlite start can take most of a minute.
const console_ = useConsoleBrowser(async () => ({
  DATABASE_URL: await freshPostgresUrl(),
  REDIS_URL,
  REDIS_PREFIX: `aihub-pg-browser-${process.pid}-${Date.now().toString(36)}`,
  JWT_SECRET: TEST_JWT_SECRET,
  UPSTREAM_BASE_URL: upstream.url,
  UPSTREAM_MODELS: "fake-model,other-model",
  UPSTREAM_NAME: "fakeprov",
  UPSTREAM_INPUT_PRICE: "1",
  UPSTREAM_OUTPUT_PRICE: "2",
}));
afterAll(() => upstream.stop());

const ANSWER = "Hello from the fake upstream.";

/** A new user with one key, on the playground, reading the console in `locale`. */
async function onPlayground(locale: "en-US" | "zh-CN", width = 1280): Promise<{ context: BrowserContext; page: Page; secret: string }> {
  const context = await console_.browser.newContext({ locale, viewport: { width, height: 900 } });
  const page = await context.newPage();
  await console_.register(page);
  await page.goto(`${console_.hub.base}/dashboard/api-keys`);
  await page.fill("#name", "pg key");
  await page.click("#create-key button[type=submit]");
  await page.waitForSelector("#key-created");
  const secret = await page.inputValue("#new-key-secret");
  await page.goto(`${console_.hub.base}/dashboard/playground`);
  return { context, page, secret };
}

/** Sends `message` and waits until `replies` replies in the page show their metrics. */
async function send(page: Page, message: string, replies: number): Promise<void> {
  await page.fill("#pg-message", message);
  await page.click("[data-pg-send]");
  await page.waitForFunction((n) => document.querySelectorAll(".pg-assistant .pg-metrics").length >= n, replies);
}

/** The upstream's requests whose last user message contains `marker`. */
const sentWith = (marker: string) => upstream.requests.filter((r) => JSON.stringify(r.body.messages).includes(marker)).map((r) => r.body);

test("a two-turn conversation: the second reply sees the first, with the system prompt and parameters, and each reply shows its metrics", async () => {
  const { context, page } = await onPlayground("en-US");
  try {
    await page.fill("#pg-system", "You are terse.");
    await page.fill("#pg-temperature", "0.4");
    await page.fill("#pg-max-tokens", "77");
    await send(page, "turn one ✓", 1);
    // The second turn goes with Ctrl+Enter from the message box.
    await page.fill("#pg-message", "turn two ✓");
    await page.press("#pg-message", "Control+Enter");
    await page.waitForFunction(() => document.querySelectorAll(".pg-assistant .pg-metrics").length >= 2);
    const sent = sentWith("turn two ✓");
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      model: "fake-model",
      temperature: 0.4,
      max_tokens: 77,
      stream: true,
      messages: [
        { role: "system", content: "You are terse." },
        { role: "user", content: "turn one ✓" },
        { role: "assistant", content: ANSWER },
        { role: "user", content: "turn two ✓" },
      ],
    });
    expect(await page.locator(".pg-column[data-column='0'] .pg-turn").allTextContents()).toHaveLength(4);
    const metrics = await page.locator(".pg-assistant .pg-metrics").allTextContents();
    for (const line of metrics) expect(line).toMatch(/^\d+ in \/ 6 out tokens · cost \$0\.\d{6} · \d+ ms \(first byte \d+ ms\) · deployment fakeprov \/ fake-model$/);
    expect(await page.inputValue("#pg-message")).toBe("");

    // The calls are in the request log, charged to the chosen key (records are stored in batches: a moment's wait).
    const rows = page.locator("#log-body tr", { hasText: "pg key" });
    for (let i = 0; i < 20; i++) {
      await page.goto(`${console_.hub.base}/dashboard/logs`);
      if ((await rows.count()) >= 2) break;
      await page.waitForTimeout(250);
    }
    expect(await rows.count()).toBe(2);
    expect(await rows.first().textContent()).toContain("fake-model");
    expect(await rows.first().textContent()).toContain("200");
  } finally {
    await context.close();
  }
}, 30_000);

test("the stop button stops a reply mid-stream; the call is recorded as client-aborted", async () => {
  const { context, page } = await onPlayground("en-US");
  try {
    await page.fill("#pg-message", "!slow:6000 stop me");
    await page.click("[data-pg-send]");
    await page.waitForSelector("[data-pg-stop]:not([hidden])");
    await page.waitForFunction(() => (document.querySelector(".pg-pending .pg-text")?.textContent ?? "").length > 0);
    const stoppedAt = Date.now();
    await page.click("[data-pg-stop]");
    await page.waitForFunction(() => document.querySelector(".pg-assistant .pg-metrics")?.textContent === "(stopped)");
    expect(Date.now() - stoppedAt).toBeLessThan(2000);
    const partial = await page.textContent(".pg-assistant .pg-text");
    expect(partial!.length).toBeGreaterThan(0);
    expect(partial).not.toBe(ANSWER);
    expect(await page.isHidden("[data-pg-stop]")).toBe(true);
    let log = "";
    for (let i = 0; i < 20 && !log.includes("client_aborted"); i++) {
      await page.waitForTimeout(250);
      await page.goto(`${console_.hub.base}/dashboard/logs`);
      log = (await page.textContent("#log-body")) ?? "";
    }
    expect(log).toContain("499");
    expect(log).toContain("client_aborted");
  } finally {
    await context.close();
  }
}, 30_000);

test("compare sends one message to two models and streams both answers side by side, each with its metrics", async () => {
  const { context, page } = await onPlayground("en-US");
  try {
    expect(await page.isHidden(".pg-column[data-column='1']")).toBe(true);
    await page.selectOption("#pg-model-b", "other-model");
    expect(await page.isVisible(".pg-column[data-column='1']")).toBe(true);
    await send(page, "compare ✓", 2);
    for (const column of ["0", "1"]) {
      expect(await page.textContent(`.pg-column[data-column='${column}'] .pg-assistant .pg-text`)).toBe(ANSWER);
    }
    expect(await page.textContent(".pg-column[data-column='1'] .pg-metrics")).toContain("fakeprov / other-model");
    expect(sentWith("compare ✓").map((b) => b.model).sort()).toEqual(["fake-model", "other-model"]);
    // Side by side on a desktop: the second column starts right of the first.
    const [a, b] = [await page.locator(".pg-column[data-column='0']").boundingBox(), await page.locator(".pg-column[data-column='1']").boundingBox()];
    expect(b!.x).toBeGreaterThan(a!.x + a!.width - 1);
    expect(Math.abs(b!.y - a!.y)).toBeLessThan(2);
  } finally {
    await context.close();
  }
}, 30_000);

test("view code shows the same call in curl, Python and JavaScript with the chosen parameters and no secret", async () => {
  const { context, page, secret } = await onPlayground("en-US");
  try {
    await page.fill("#pg-system", "Be kind.");
    await page.fill("#pg-temperature", "1.5");
    await page.fill("#pg-max-tokens", "33");
    await page.fill("#pg-stop", "END");
    await send(page, "code me", 1);
    await page.fill("#pg-message", "and then?");
    await page.click("#pg-code summary");
    await page.waitForFunction(() => document.getElementById("pg-code-python")?.textContent?.includes("and then?"));
    const curl = (await page.textContent("#pg-code-curl"))!;
    const python = (await page.textContent("#pg-code-python"))!;
    const javascript = (await page.textContent("#pg-code-javascript"))!;
    const body = JSON.parse(curl.slice(curl.indexOf("-d '") + 4, -1));
    expect(body).toEqual({
      model: "fake-model",
      messages: [{ role: "system", content: "Be kind." }, { role: "user", content: "code me" }, { role: "assistant", content: ANSWER }, { role: "user", content: "and then?" }],
      temperature: 1.5,
      max_tokens: 33,
      stop: ["END"],
      stream: true,
    });
    expect(curl).toContain(`curl ${console_.hub.base}/v1/chat/completions`);
    expect(curl).toContain("Bearer $AIHUB_API_KEY");
    for (const part of ["from openai import OpenAI", `base_url="${console_.hub.base}/v1"`, 'os.environ["AIHUB_API_KEY"]', 'model="fake-model"', "temperature=1.5", "max_tokens=33", 'stop=["END"]', "stream=True", '"content": "and then?"']) expect(python).toContain(part);
    for (const part of ['import OpenAI from "openai"', `baseURL: "${console_.hub.base}/v1"`, "process.env.AIHUB_API_KEY", 'model: "fake-model"', "temperature: 1.5", "max_tokens: 33", "stream: true", '"content": "Be kind."']) expect(javascript).toContain(part);
    expect(secret).toMatch(/^ai-hub-/);
    for (const snippet of [curl, python, javascript]) expect(snippet).not.toContain(secret);
  } finally {
    await context.close();
  }
}, 30_000);

for (const [locale, words] of [["zh-CN", { failed: "上游模型服务出错，请稍后重试。", temperature: "温度需为 0 到 2 之间的数字。" }], ["en-US", { failed: "The upstream model service failed. Try again shortly.", temperature: "The temperature must be a number from 0 to 2." }]] as const) {
  test(`an upstream error and a bad temperature show as alerts in ${locale}, not as the model's words`, async () => {
    const { context, page } = await onPlayground(locale);
    try {
      await page.fill("#pg-message", "!status:503 please");
      await page.click("[data-pg-send]");
      await page.waitForSelector(".pg-column[data-column='0'] .pg-alert[role=alert]");
      expect(await page.textContent(".pg-alert")).toBe(words.failed);
      expect(await page.locator(".pg-assistant").count()).toBe(0);
      // The message comes back to be sent again.
      await page.waitForFunction(() => (document.getElementById("pg-message") as HTMLTextAreaElement).value === "!status:503 please");

      await page.fill("#pg-temperature", "9");
      await page.fill("#pg-message", "hot");
      await page.click("[data-pg-send]");
      await page.waitForFunction((text) => document.querySelector(".pg-alert")?.textContent === text, words.temperature);
      expect(await page.locator(".pg-assistant").count()).toBe(0);
    } finally {
      await context.close();
    }
  }, 30_000);
}

for (const width of [375, 1280]) {
  test(`the playground at ${width} px: compare with answers and code, no sideways scroll, every control in view`, async () => {
    const { context, page } = await onPlayground("zh-CN", width);
    try {
      await page.fill("#pg-system", "你是一位简洁的助手。");
      await page.selectOption("#pg-model-b", "other-model");
      await send(page, "你好，请介绍一下你自己。", 2);
      await page.click("#pg-code summary");
      await page.waitForSelector("#pg-code-curl");
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
      for (const selector of ["[data-pg-send]", "#pg-message", "#pg-model-b", "#pg-temperature", "#pg-code summary"]) {
        const box = await page.locator(selector).boundingBox();
        expect({ selector, inside: box !== null && box.x >= 0 && box.x + box.width <= width + 1 }).toEqual({ selector, inside: true });
      }
      await page.screenshot({ path: join(SHOTS, `playground-zh-CN-${width}.png`), fullPage: true });
    } finally {
      await context.close();
    }
  }, 30_000);
}
