// Takes the README's console screenshots (docs/images/console-*.png): a hub on the embedded default in front of the
// fake upstream, one developer who made real calls with two models (some failing), seen in Chromium in zh-CN.
// Run: node_modules/.bin/bun scripts/readme_screenshots.ts   (Debian's chromium; CHROMIUM_PATH to use another)
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { chromium } from "playwright-core";
import { startFakeUpstream } from "../src/testing/fake_upstream.ts";
import { call, spawnHub } from "../src/testing/process.ts";

const OUT = resolve("docs/images");
const MODELS = ["openai/gpt-4o-mini", "anthropic/claude-3.5-haiku"];
const EMAIL = "lin.wei@example.com";
const PASSWORD = "screenshot-password-1";

const upstream = startFakeUpstream({ record: false });
const hub = await spawnHub({ UPSTREAM_BASE_URL: upstream.url, UPSTREAM_MODELS: MODELS.join(","), UPSTREAM_NAME: "openrouter", UPSTREAM_INPUT_PRICE: "0.15", UPSTREAM_OUTPUT_PRICE: "0.6", DEMO_CHUNK_DELAY_MS: "0" });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
try {
  const registered = await call(hub.base, "/api/v1/auth/register", { json: { email: EMAIL, password: PASSWORD, full_name: "林伟" } });
  if (!registered.ok) throw new Error(`register: ${registered.status} ${await registered.text()}`);
  const { access_token: token } = (await registered.json()) as { access_token: string };
  const keys: string[] = [];
  for (const name of ["production", "staging"]) {
    const created = await call(hub.base, "/api/v1/developer/api-keys", { token, json: { name, rate_limit: 60 } });
    if (!created.ok) throw new Error(`create key: ${created.status} ${await created.text()}`);
    keys.push(((await created.json()) as { key: string }).key);
  }
  // Real calls: both models, streams and not, a few the upstream fails and one for a model that does not exist.
  const prompts = ["总结一下这段文字", "Translate to English: 你好", "写一个 Python 函数", "What is rate limiting?", "解释一下 SSE"];
  const statuses = new Map<number, number>();
  for (let i = 0; i < 36; i++) {
    const content = i % 11 === 7 ? "!status:503" : prompts[i % prompts.length]!;
    const model = i === 20 ? "no-such-model" : MODELS[i % 3 === 0 ? 1 : 0]!;
    const r = await fetch(`${hub.base}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${keys[i % 4 === 0 ? 1 : 0]}`, "content-type": "application/json" },
      body: JSON.stringify({ model, stream: i % 2 === 0, messages: [{ role: "user", content }] }),
    });
    statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    await r.text();
  }
  console.log("calls by status:", Object.fromEntries(statuses));
  await Bun.sleep(1500);

  mkdirSync(OUT, { recursive: true });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
  const page = await context.newPage();
  await page.goto(`${hub.base}/login`);
  await page.fill("#email", EMAIL);
  await page.fill("#password", PASSWORD);
  await Promise.all([page.waitForURL(`${hub.base}/dashboard`), page.click("button[type=submit]")]);
  await page.screenshot({ path: `${OUT}/console-dashboard.png`, fullPage: true });
  await page.goto(`${hub.base}/dashboard/logs`);
  await page.screenshot({ path: `${OUT}/console-logs.png`, fullPage: false });
  console.log(`wrote ${OUT}/console-dashboard.png and ${OUT}/console-logs.png`);
} finally {
  await browser.close();
  await hub.stop();
  await upstream.stop();
}
