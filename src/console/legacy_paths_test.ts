// The console's older paths redirect to the seed's /dashboard/... paths: 301 for links (query kept), 308 for forms.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { BACKENDS } from "../testing/databases.ts";
import { Visitor } from "../testing/console_visitor.ts";
import { createTestHub, type TestHub } from "../testing/harness.ts";

let addressCount = 0;
const freshAddress = () => `198.51.100.${addressCount++ % 250}`;
const freshEmail = (tag: string) => `${tag}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;

describe("console legacy paths", () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ backend: BACKENDS[0]! });
  }, 60_000);
  afterAll(() => hub.close());

  test("old page paths answer 301 to their /dashboard paths, keeping the query string (an empty one too)", async () => {
    const cases: Array<[string, string]> = [
      ["/keys", "/dashboard/api-keys"],
      ["/usage?days=30", "/dashboard/usage?days=30"],
      ["/usage.csv?days=7", "/dashboard/usage.csv?days=7"],
      ["/usage?", "/dashboard/usage?"],
      ["/playground", "/dashboard/playground"],
    ];
    for (const [from, to] of cases) {
      const response = await hub.request(from);
      expect(response.status).toBe(301);
      expect(response.headers.get("location")).toBe(to);
    }
  });

  test("old form paths answer 308, so the browser posts the same form to the new path", async () => {
    const visitor = new Visitor(hub, freshAddress());
    await visitor.register(freshEmail("legacy"));
    await visitor.open("/dashboard/api-keys");
    const old = await visitor.post("/keys", { name: "via old path" });
    expect(old.status).toBe(308);
    expect(old.headers.get("location")).toBe("/dashboard/api-keys");
    for (const [from, to] of [["/keys/12/revoke", "/dashboard/api-keys/12/revoke"], ["/playground", "/dashboard/playground"], ["/playground/stream", "/dashboard/playground/stream"]]) {
      const response = await visitor.post(from!, {});
      expect(response.status).toBe(308);
      expect(response.headers.get("location")).toBe(to!);
    }
    // Following the redirect as a browser would: the same form, at the new path.
    expect((await visitor.post("/dashboard/api-keys", { name: "via old path" })).status).toBe(200);
  });

  test("the pages link, post and navigate only to the new paths", async () => {
    const visitor = new Visitor(hub, freshAddress());
    await visitor.register(freshEmail("links"));
    for (const path of ["/dashboard", "/dashboard/api-keys", "/dashboard/usage", "/dashboard/playground"]) {
      const html = await visitor.open(path);
      expect(html).not.toMatch(/(href|action|hx-get|hx-post|data-stream-action)="\/(keys|usage|playground)\b/);
    }
    const keys = await visitor.open("/dashboard/api-keys");
    expect(keys).toContain('<a href="/dashboard/api-keys" aria-current="page">API密钥</a>');
    expect(keys).toContain('action="/dashboard/api-keys" hx-post="/dashboard/api-keys"');
    const usage = await visitor.open("/dashboard/usage");
    expect(usage).toContain('href="/dashboard/usage.csv?days=');
    const playground = await visitor.open("/dashboard/playground");
    expect(playground).toContain('<a href="/dashboard/playground" aria-current="page">在线调试</a>');
  });
});
