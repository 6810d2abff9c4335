// /dashboard/logs through app.handle: a call's request id and fields, each filter, keyset pages without repeats,
// another user's call as 404, and key names rendered as text.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { usageRecords } from "../db/schema/mod.ts";
import { BACKENDS } from "../testing/databases.ts";
import { Visitor } from "../testing/console_visitor.ts";
import { createKey, createTestHub, registerUser, type TestHub } from "../testing/harness.ts";

const XSS_NAME = `<img src=x onerror="alert(1)">`;
let addressCount = 0;
const freshAddress = () => `198.51.100.${addressCount++ % 250}`;

describe("console request log", () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ backend: BACKENDS[0]! });
  }, 60_000);
  afterAll(() => hub.close());

  /** A user signed in on the console, with two keys (one with markup in its name). */
  async function account() {
    const owner = await registerUser(hub);
    const visitor = new Visitor(hub, freshAddress());
    await visitor.open("/login");
    expect((await visitor.post("/login", { email: owner.email, password: owner.password })).status).toBe(303);
    const main = await createKey(hub, owner.token, { name: "main key" });
    const other = await createKey(hub, owner.token, { name: XSS_NAME });
    return { owner, visitor, main, other };
  }

  async function call(secret: string, model = "demo") {
    const response = await hub.request("/v1/chat/completions", { method: "POST", token: secret, json: { model, messages: [{ role: "user", content: "hello log" }] } });
    await response.text();
    return { status: response.status, requestId: response.headers.get("x-request-id")! };
  }

  /** The request ids listed on a page, in order. */
  const idsOn = (html: string) => [...html.matchAll(/href="\/dashboard\/logs\/([\w-]+)"/g)].map((m) => m[1]!);

  test("the log needs a signed-in user and shows a call under its X-Request-Id with its fields", async () => {
    expect((await new Visitor(hub, freshAddress()).send("/dashboard/logs")).headers.get("location")).toBe("/login");
    const { visitor, main } = await account();
    const made = await call(main.key);
    expect(made.status).toBe(200);
    await hub.runtime.flushUsage();
    const page = await visitor.open("/dashboard/logs");
    expect(page).toContain('<a href="/dashboard/logs" aria-current="page">请求日志</a>');
    expect(page).toContain("时间为 UTC");
    expect(idsOn(page)).toEqual([made.requestId]);
    expect(page).toContain("main key");
    expect(page).toContain(">demo<");
    expect(page).toMatch(/<time datetime="\d{4}-\d\d-\d\dT[\d:.]+Z" data-local>/);
    expect(page).toContain('<span class="badge ok">200</span> <span class="muted">ok</span>');
    // The dashboard's recent calls show the same moment the same way (app.js puts both in the reader's time zone).
    const dashboard = await visitor.open("/dashboard");
    expect(dashboard).toMatch(/<th scope="col" class="opt">时间<\/th>/);
    expect(dashboard).toMatch(/<td class="mono opt" data-label="时间"><time datetime="\d{4}-\d\d-\d\dT[\d:.]+Z" data-local>/);
    const detail = await visitor.open(`/dashboard/logs/${made.requestId}`);
    expect(detail).toContain("调用详情");
    expect(detail).toContain(`<code>${made.requestId}</code>`);
    visitor.cookies.set("aihub_lang", "en");
    const english = await visitor.open(`/dashboard/logs/${made.requestId}`);
    expect(english).toContain("Call details");
    expect(english).toContain("Request ID");
  });

  test("each filter narrows the list: key, model, status class and date range", async () => {
    const { owner, visitor, main, other } = await account();
    const first = await call(main.key);
    const second = await call(other.key);
    const refused = await call(main.key, "no-such-model");
    expect(refused.status).toBeGreaterThanOrEqual(400);
    await hub.runtime.flushUsage();
    const db = hub.runtime.deps.database.db;
    // A failed upstream call from long ago: a 5xx with its deployment and error, and a date outside today.
    const old = { id: crypto.randomUUID(), userId: owner.user.id, apiKeyId: main.id, endpoint: "/v1/chat/completions", model: "demo", upstream: "primary", upstreamModel: "demo-large", attempts: 2, status: 502, outcome: "upstream_error", tokensEstimated: true, promptTokens: 7, error: "upstream <b>timed</b> out", createdAt: new Date("2020-01-15T12:00:00Z") };
    await db.insert(usageRecords).values(old);
    const all = idsOn(await visitor.open("/dashboard/logs"));
    expect(all).toEqual([refused.requestId, second.requestId, first.requestId, old.id]);
    expect(idsOn(await visitor.open(`/dashboard/logs?key=${other.id}`))).toEqual([second.requestId]);
    // The refused call named a model the hub does not serve: it is recorded without one, so "demo" leaves it out.
    expect(idsOn(await visitor.open("/dashboard/logs?model=another-model"))).toEqual([]);
    expect(idsOn(await visitor.open("/dashboard/logs?model=demo"))).toEqual([second.requestId, first.requestId, old.id]);
    expect(idsOn(await visitor.open("/dashboard/logs?status=2xx"))).toEqual([second.requestId, first.requestId]);
    expect(idsOn(await visitor.open("/dashboard/logs?status=4xx"))).toEqual([refused.requestId]);
    const failed = await visitor.open("/dashboard/logs?status=5xx");
    expect(idsOn(failed)).toEqual([old.id]);
    expect(failed).toContain("primary / demo-large");
    expect(failed).toContain("7*");
    expect(failed).toContain("upstream &lt;b&gt;timed&lt;/b&gt; out");
    expect(idsOn(await visitor.open("/dashboard/logs?from=2020-01-01&to=2020-01-15"))).toEqual([old.id]);
    expect(idsOn(await visitor.open("/dashboard/logs?to=2020-01-14"))).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    expect(idsOn(await visitor.open(`/dashboard/logs?from=${today}&key=${main.id}`))).toEqual([refused.requestId, first.requestId]);
    // The form shows the filters it applied; htmx gets the results fragment only.
    expect(await visitor.open(`/dashboard/logs?status=5xx&key=${main.id}`)).toContain(`<option value="${main.id}" selected>main key</option>`);
    const fragment = await (await visitor.send("/dashboard/logs?status=5xx", { headers: { "hx-request": "true" } })).text();
    expect(fragment).toStartWith('<div id="log-results">');
    expect(idsOn(fragment)).toEqual([old.id]);
  });

  test("the older link pages by (created_at, id) and returns every call once", async () => {
    const { owner, visitor, main } = await account();
    const db = hub.runtime.deps.database.db;
    // 120 calls, many sharing one timestamp, so only the id tells their order.
    const base = Date.UTC(2024, 5, 1);
    const rows = Array.from({ length: 120 }, (_, i) => ({ id: crypto.randomUUID(), userId: owner.user.id, apiKeyId: main.id, endpoint: "/v1/chat/completions", model: "demo", status: 200, outcome: "ok", createdAt: new Date(base + Math.floor(i / 7) * 1000) }));
    await db.insert(usageRecords).values(rows);
    const seen: string[] = [];
    let path: string | null = "/dashboard/logs?status=2xx";
    let pages = 0;
    while (path) {
      const html = await visitor.open(path);
      seen.push(...idsOn(html));
      pages++;
      path = /<a class="button secondary" rel="next" href="([^"]+)"/.exec(html)?.[1]?.replaceAll("&amp;", "&") ?? null;
      if (path) expect(path).toContain("status=2xx");
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(120);
    const expected = [...rows].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1)).map((r) => r.id);
    expect(seen).toEqual(expected);
    // With htmx, the older link's answer is the results fragment, which carries the next link again.
    const first = await visitor.open("/dashboard/logs");
    const older = /rel="next" href="([^"]+)"/.exec(first)![1]!.replaceAll("&amp;", "&");
    const fragment = await (await visitor.send(older, { headers: { "hx-request": "true" } })).text();
    expect(fragment).toStartWith('<div id="log-results">');
    expect(idsOn(fragment)).toEqual(expected.slice(50, 100));
    expect(fragment).toContain("回到最新");
  });

  test("another user's call is not listed and its detail page is 404", async () => {
    const mine = await account();
    const theirs = await account();
    const made = await call(theirs.main.key);
    await hub.runtime.flushUsage();
    expect(idsOn(await mine.visitor.open("/dashboard/logs"))).not.toContain(made.requestId);
    const answer = await mine.visitor.send(`/dashboard/logs/${made.requestId}`);
    expect(answer.status).toBe(404);
    expect(await answer.text()).toContain("找不到这条调用记录。");
    expect((await theirs.visitor.send(`/dashboard/logs/${made.requestId}`)).status).toBe(200);
    expect((await mine.visitor.send(`/dashboard/logs/${"x".repeat(80)}`)).status).toBe(404);
  });

  test("a key name with markup renders as text in the list, the filter and the detail", async () => {
    const { visitor, other } = await account();
    const made = await call(other.key);
    await hub.runtime.flushUsage();
    for (const page of [await visitor.open("/dashboard/logs"), await visitor.open(`/dashboard/logs/${made.requestId}`)]) {
      expect(page).not.toContain(XSS_NAME);
      expect(page).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    }
  });
});
