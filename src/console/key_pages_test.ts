// One key's console page through app.handle: owner-only (another user's key is a 404, for reading and for changing),
// the settings form with and without htmx, its errors in both languages, CSRF, revoked keys folded on the list,
// and the usage charts' split by outcome, empty state and free-calls note.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { apiKeys } from "../db/schema/mod.ts";
import { BACKENDS } from "../testing/databases.ts";
import { Visitor } from "../testing/console_visitor.ts";
import { createKey, createTestHub, registerUser, type TestHub } from "../testing/harness.ts";

let addressCount = 0;
const freshAddress = () => `198.51.100.${addressCount++ % 250}`;
const DAY_MS = 86_400_000;
const dateIn = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10);

describe("console key page", () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ backend: BACKENDS[0]! });
  }, 60_000);
  afterAll(() => hub.close());

  /** A user signed in on the console (zh-CN unless told), with one key. */
  async function account(lang?: "en") {
    const owner = await registerUser(hub);
    const visitor = new Visitor(hub, freshAddress());
    if (lang) visitor.cookies.set("aihub_lang", lang);
    await visitor.open("/login");
    expect((await visitor.post("/login", { email: owner.email, password: owner.password })).status).toBe(303);
    const key = await createKey(hub, owner.token, { name: "main key", description: "backend" });
    return { owner, visitor, key };
  }

  async function call(secret: string, model = "demo") {
    const response = await hub.request("/v1/chat/completions", { method: "POST", token: secret, json: { model, messages: [{ role: "user", content: "hello key page" }] } });
    await response.text();
    return response;
  }

  const keyRow = async (id: number) => (await hub.runtime.deps.database.db.select().from(apiKeys).where(eq(apiKeys.id, id)))[0]!;
  const settings = (over: Record<string, string> = {}) => ({ name: "main key", description: "backend", rate_limit: "", expires_on: "", ...over });

  test("the owner sees the key's facts, its charts split into succeeded and failed calls, and its last calls linked into the request log", async () => {
    const { visitor, key } = await account();
    const ok = await call(key.key);
    expect(ok.status).toBe(200);
    expect((await call(key.key, "no-such-model")).status).toBeGreaterThanOrEqual(400);
    await hub.runtime.flushUsage();
    const page = await visitor.open(`/dashboard/api-keys/${key.id}`);
    expect(page).toContain("<h1>main key</h1>");
    expect(page).toContain(`${key.key_prefix}…`);
    expect(page).toContain("套餐默认（60 次/分钟）");
    expect(page).toContain('id="chart-requests"');
    // One succeeded and one refused call, and the demo model is free: no cost chart, a sentence instead.
    expect(page).toContain("成功 1 · 错误或被拒绝 1");
    expect(page).toContain("日期为 UTC 日期");
    expect(page).not.toContain('id="chart-cost"');
    expect(page).toContain("这段时间的调用全部免费");
    expect(page).toContain(`href="/dashboard/logs/${ok.headers.get("x-request-id")}"`);
    expect(page).toContain(`href="/dashboard/logs?key=${key.id}"`);
    // The range switch: 7 days by link, and the htmx fragment is the usage block only.
    expect(await visitor.open(`/dashboard/api-keys/${key.id}?days=7`)).toContain('aria-current="true">7 天</a>');
    const fragment = await (await visitor.send(`/dashboard/api-keys/${key.id}?days=7`, { headers: { "hx-request": "true" } })).text();
    expect(fragment).toStartWith('<section class="card spaced" id="key-usage"');
    visitor.cookies.set("aihub_lang", "en");
    const english = await visitor.open(`/dashboard/api-keys/${key.id}`);
    expect(english).toContain("1 succeeded · 1 failed or refused");
    expect(english).toContain("calls in the request log →");
  });

  test("a key without calls says so in words instead of drawing empty axes", async () => {
    const { visitor, key } = await account();
    const page = await visitor.open(`/dashboard/api-keys/${key.id}`);
    expect(page).toContain("最近 30 天没有调用");
    expect(page).not.toContain('id="chart-requests"');
    expect(page).toContain("该密钥还没有调用记录。");
  });

  test("another user's key, a key that does not exist and a malformed id are 404 for reading and for changing", async () => {
    const mine = await account();
    const theirs = await account();
    for (const path of [`/dashboard/api-keys/${theirs.key.id}`, "/dashboard/api-keys/999999999", "/dashboard/api-keys/abc", "/dashboard/api-keys/1e3", "/dashboard/api-keys/99999999999999999999"]) {
      const answer = await mine.visitor.send(path);
      expect(answer.status).toBe(404);
      expect(await answer.text()).toContain("找不到该 API 密钥。");
    }
    await mine.visitor.open(`/dashboard/api-keys/${mine.key.id}`);
    const change = await mine.visitor.post(`/dashboard/api-keys/${theirs.key.id}`, settings({ name: "stolen", rate_limit: "1" }));
    expect(change.status).toBe(404);
    const row = await keyRow(theirs.key.id);
    expect([row.name, row.rateLimit]).toEqual(["main key", null]);
  });

  test("without JavaScript a saved form redirects back with a notice; the new rate limit reaches the calls at once", async () => {
    const { visitor, key } = await account();
    await visitor.open(`/dashboard/api-keys/${key.id}`);
    const expiry = dateIn(40);
    const saved = await visitor.post(`/dashboard/api-keys/${key.id}`, settings({ name: "renamed <b>key</b>", description: "", rate_limit: "7", expires_on: expiry }));
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe(`/dashboard/api-keys/${key.id}?saved=1`);
    const page = await visitor.open(saved.headers.get("location")!);
    expect(page).toContain("已保存。");
    expect(page).toContain("<h1>renamed &lt;b&gt;key&lt;/b&gt;</h1>");
    expect(page).toContain(`value="${expiry}"`);
    const row = await keyRow(key.id);
    expect([row.name, row.description, row.rateLimit, row.expiresAt?.toISOString()]).toEqual(["renamed <b>key</b>", null, 7, `${expiry}T00:00:00.000Z`]);
    // The key cache was told: the very next call is limited to 7 per minute.
    expect((await call(key.key)).headers.get("x-ratelimit-limit")).toBe("7");
    // Saving the same date again keeps the exact expiry; clearing it removes it.
    await visitor.post(`/dashboard/api-keys/${key.id}`, settings({ name: "renamed", rate_limit: "7", expires_on: expiry }));
    expect((await keyRow(key.id)).expiresAt?.toISOString()).toBe(`${expiry}T00:00:00.000Z`);
    await visitor.post(`/dashboard/api-keys/${key.id}`, settings({ name: "renamed" }));
    expect([(await keyRow(key.id)).expiresAt, (await keyRow(key.id)).rateLimit]).toEqual([null, null]);
  });

  const invalid: Array<[string, Record<string, string>, string, string]> = [
    ["a blank name", { name: "   " }, "请输入密钥名称（1 到 100 个字符，不能全是空格）。", "Enter a key name (1 to 100 characters, not only spaces)."],
    ["a 501-character description", { description: "d".repeat(501) }, "描述最多 500 个字符。", "The description can be at most 500 characters."],
    ["a rate limit above the plan's", { rate_limit: "61" }, "速率限制需为 1 到 60 之间的整数", "The rate limit must be a whole number from 1 to 60"],
    ["a rate limit of zero", { rate_limit: "0" }, "速率限制需为不小于 1 的整数", "The rate limit must be a whole number of requests per minute, at least 1."],
    ["an expiry in the past", { expires_on: "2020-01-01" }, "过期日期需为明天到 3650 天之内的日期", "The expiry must be a date from tomorrow to 3650 days ahead"],
    ["an expiry too far ahead", { expires_on: dateIn(3652) }, "过期日期需为明天到 3650 天之内的日期", "The expiry must be a date from tomorrow to 3650 days ahead"],
    ["a date that does not exist", { expires_on: "2031-02-30" }, "过期日期需为明天到 3650 天之内的日期", "The expiry must be a date from tomorrow to 3650 days ahead"],
  ];
  for (const [label, change, zh, en] of invalid) {
    test(`${label} is refused next to its field in zh-CN and English, with and without htmx, and nothing changes`, async () => {
      const { visitor, key } = await account();
      await visitor.open(`/dashboard/api-keys/${key.id}`);
      const plain = await visitor.post(`/dashboard/api-keys/${key.id}`, settings(change));
      expect(plain.status).toBe(422);
      const page = await plain.text();
      expect(page).toContain("<!doctype html>");
      expect(page).toContain(zh);
      expect(page).toContain('aria-invalid="true"');
      visitor.cookies.set("aihub_lang", "en");
      await visitor.open(`/dashboard/api-keys/${key.id}`);
      const htmx = await visitor.post(`/dashboard/api-keys/${key.id}`, settings(change), { origin: "http://localhost", "sec-fetch-site": "same-origin", "hx-request": "true" });
      expect(htmx.status).toBe(422);
      const fragment = await htmx.text();
      expect(fragment).toStartWith('<form id="key-settings"');
      expect(fragment.replaceAll("&#39;", "'")).toContain(en);
      const row = await keyRow(key.id);
      expect([row.name, row.description, row.rateLimit, row.expiresAt]).toEqual(["main key", "backend", null, null]);
    });
  }

  test("with htmx a saved form sends the browser to the refreshed page", async () => {
    const { visitor, key } = await account();
    await visitor.open(`/dashboard/api-keys/${key.id}`);
    const saved = await visitor.post(`/dashboard/api-keys/${key.id}`, settings({ name: "via htmx" }), { origin: "http://localhost", "sec-fetch-site": "same-origin", "hx-request": "true" });
    expect(saved.status).toBe(200);
    expect(saved.headers.get("hx-redirect")).toBe(`/dashboard/api-keys/${key.id}?saved=1`);
    expect((await keyRow(key.id)).name).toBe("via htmx");
  });

  test("a change without the form token or from another site is refused and changes nothing", async () => {
    const { visitor, key } = await account();
    await visitor.open(`/dashboard/api-keys/${key.id}`);
    const noToken = await visitor.send(`/dashboard/api-keys/${key.id}`, { form: settings({ name: "csrf" }), headers: { origin: "http://localhost" } });
    expect(noToken.status).toBe(403);
    const crossSite = await visitor.post(`/dashboard/api-keys/${key.id}`, settings({ name: "csrf" }), { origin: "https://evil.example", "sec-fetch-site": "cross-site" });
    expect(crossSite.status).toBe(403);
    expect((await keyRow(key.id)).name).toBe("main key");
  });

  test("a revoked key's page has no settings form, says when it was revoked, and refuses changes", async () => {
    const { owner, visitor, key } = await account();
    expect((await hub.request(`/api/v1/developer/api-keys/${key.id}`, { method: "DELETE", token: owner.token })).status).toBe(204);
    const page = await visitor.open(`/dashboard/api-keys/${key.id}`);
    expect(page).toContain("该密钥已于");
    expect(page).not.toContain('id="key-settings"');
    const change = await visitor.post(`/dashboard/api-keys/${key.id}`, settings({ name: "revived" }));
    expect(change.status).toBe(409);
    expect(await change.text()).toContain("该密钥已撤销，不能再修改。");
    expect((await keyRow(key.id)).name).toBe("main key");
  });

  test("the keys list links each name to its page and folds revoked keys into a closed <details>", async () => {
    const { owner, visitor, key } = await account();
    const old = await createKey(hub, owner.token, { name: "old key" });
    await hub.request(`/api/v1/developer/api-keys/${old.id}`, { method: "DELETE", token: owner.token });
    const list = await visitor.open("/dashboard/api-keys");
    expect(list).toContain(`<a href="/dashboard/api-keys/${key.id}" class="key-link"><strong>main key</strong></a>`);
    const folded = /<details class="revoked-keys">([\s\S]*?)<\/details>/.exec(list)?.[1] ?? "";
    expect(folded).toContain("已撤销的密钥（1）");
    expect(folded).toContain("old key");
    expect(folded).not.toContain("main key");
    expect(list).not.toContain('<details class="revoked-keys" open');
  });

  test("the dashboard and usage page say in one line what requests and quota count, and an empty period in words", async () => {
    const { visitor } = await account();
    for (const path of ["/dashboard", "/dashboard/usage"]) expect(await visitor.open(path)).toContain("「已用配额」只计入本月（UTC 自然月）得到回答的模型调用");
    // No calls yet: the usage page says so instead of drawing axes.
    const usage = await visitor.open("/dashboard/usage?days=7");
    expect(usage).toContain("最近 7 天没有调用。密钥发出调用后");
    expect(usage).not.toContain("<svg");
    visitor.cookies.set("aihub_lang", "en");
    expect(await visitor.open("/dashboard/usage")).toContain("counts only model calls that were answered this calendar month in UTC");
  });
});
