// The dashboard's first steps, the new key's snippets and the reference page in both languages, through app.handle.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { BACKENDS } from "../testing/databases.ts";
import { Visitor } from "../testing/console_visitor.ts";
import { createTestHub, type TestHub } from "../testing/harness.ts";

let addressCount = 0;
const freshAddress = () => `198.51.100.${addressCount++ % 250}`;
const freshEmail = (tag: string) => `${tag}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
const HTMX = { "hx-request": "true" };
const doneSteps = (html: string) => html.match(/class="step done"/g)?.length ?? 0;

describe("first steps and snippets", () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ backend: BACKENDS[0]! });
  }, 60_000);
  afterAll(() => hub.close());

  async function newUser(lang = "zh-CN"): Promise<Visitor> {
    const visitor = new Visitor(hub, freshAddress());
    visitor.cookies.set("aihub_lang", lang);
    expect((await visitor.register(freshEmail("steps"))).status).toBe(303);
    return visitor;
  }

  async function createKey(visitor: Visitor, name: string, headers: Record<string, string> = {}): Promise<{ html: string; secret: string }> {
    await visitor.open("/dashboard/api-keys");
    const response = await visitor.post("/dashboard/api-keys", { name }, { origin: "http://localhost", "sec-fetch-site": "same-origin", ...headers });
    expect(response.status).toBe(200);
    const html = await response.text();
    return { html, secret: /id="new-key-secret" type="text" readonly value="([^"]+)"/.exec(html)![1]! };
  }

  async function call(secret: string): Promise<void> {
    const response = await hub.request("/v1/chat/completions", { method: "POST", token: secret, json: { model: "demo", messages: [{ role: "user", content: "hi" }] } });
    expect(response.status).toBe(200);
    await response.text();
  }

  /** The dashboard once `done` steps are ticked (usage is written in the background), as htmx polls it. */
  async function dashboardWith(visitor: Visitor, done: number): Promise<string> {
    let html = "";
    for (let i = 0; i < 100; i++) {
      html = await (await visitor.send("/dashboard", { headers: HTMX })).text();
      if (doneSteps(html) === done) break;
      await Bun.sleep(50);
    }
    return html;
  }

  test("a new account's dashboard shows three unticked steps and asks again every few seconds", async () => {
    const visitor = await newUser();
    const page = await visitor.open("/dashboard");
    expect(page).toContain("三步完成第一次调用");
    expect(page.match(/class="step( done)?"/g)).toHaveLength(3);
    expect(doneSteps(page)).toBe(0);
    expect(page).toContain('<div id="dashboard-body" hx-get="/dashboard" hx-trigger="every 3s" hx-swap="outerHTML">');
    expect(page).toContain('href="/docs"');
    // htmx gets the part that changes, not a page.
    const fragment = await (await visitor.send("/dashboard", { headers: HTMX })).text();
    expect(fragment).toStartWith('<div id="dashboard-body"');
    expect(fragment).not.toContain("<html");
  });

  test("a key ticks the first step; the first call ticks all three and the polling stops", async () => {
    const visitor = await newUser("en");
    const { secret } = await createKey(visitor, "first");
    const withKey = await visitor.open("/dashboard");
    expect(withKey).toContain("Your first call in three steps");
    expect(doneSteps(withKey)).toBe(1);
    await call(secret);
    const ticked = await dashboardWith(visitor, 3);
    expect(doneSteps(ticked)).toBe(3);
    expect(ticked).toContain("Your first call went through!");
    expect(ticked).not.toContain("hx-trigger");
    // A reload (no JavaScript) shows the same.
    expect(doneSteps(await visitor.open("/dashboard"))).toBe(3);
  });

  test("an account past its first calls sees no steps", async () => {
    const visitor = await newUser();
    const { secret } = await createKey(visitor, "busy");
    for (let i = 0; i < 10; i++) await call(secret);
    let html = "";
    for (let i = 0; i < 100; i++) {
      html = await (await visitor.send("/dashboard", { headers: HTMX })).text();
      if (!html.includes('id="onboarding"')) break;
      await Bun.sleep(50);
    }
    expect(html).not.toContain('id="onboarding"');
  });

  for (const htmx of [false, true]) {
    test(`a new key's panel shows curl, Python and JavaScript snippets with its secret and the hub's address (${htmx ? "htmx" : "plain form"})`, async () => {
      const visitor = await newUser();
      const { html, secret } = await createKey(visitor, "snippets", htmx ? HTMX : {});
      expect(html.includes("<html")).toBe(!htmx);
      for (const name of ["curl", "python", "javascript"]) {
        const snippet = new RegExp(`<pre class="code" id="snippet-${name}" tabindex="0">([^<]*)</pre>`).exec(html)![1]!;
        expect(snippet).toContain(secret);
        expect(snippet).toContain("http://localhost/v1");
        expect(html).toContain(`data-copy="snippet-${name}"`);
      }
      expect(html).toContain('data-copied="已复制到剪贴板"');
      expect(html).toContain("你好！");
      expect(html).toContain('href="/dashboard/api-keys" data-dismiss="key-created"');
      // Shown once: the keys page itself never shows the secret again.
      expect(await visitor.open("/dashboard/api-keys")).not.toContain(secret);
    });
  }

  test("a revoke through htmx tells the page to drop the secret panel", async () => {
    const visitor = await newUser();
    const { html } = await createKey(visitor, "to revoke", HTMX);
    const id = /action="\/dashboard\/api-keys\/(\d+)\/revoke"/.exec(html)![1];
    const revoked = await visitor.post(`/dashboard/api-keys/${id}/revoke`, {}, { origin: "http://localhost", "sec-fetch-site": "same-origin", ...HTMX });
    expect(revoked.status).toBe(200);
    expect(revoked.headers.get("hx-trigger")).toBe("key-revoked");
  });

  test("the reference page speaks the page's language", async () => {
    const zh = await (await newUser("zh-CN")).open("/reference");
    for (const words of ["接口一览", "可以调用的模型", "限制与错误", "每次调用都带有以下响应头", '<a href="/docs/errors">错误</a>']) expect(zh).toContain(words);
    expect(zh).not.toContain("Limits and errors");
    const en = await (await newUser("en")).open("/reference");
    for (const words of ["Endpoints", "Models you can call", "Limits and errors", "Headers on every call"]) expect(en).toContain(words);
    expect(en).not.toContain("接口一览");
  });
});
