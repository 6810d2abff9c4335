// The settings page's webhook form says refused URLs in the page's language (private addresses refused, as by
// default); the JSON API keeps its English contract message.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { BACKENDS } from "../testing/databases.ts";
import { Visitor } from "../testing/console_visitor.ts";
import { createTestHub, registerUser, type TestHub } from "../testing/harness.ts";
import { type Lang, LANG_COOKIE } from "./i18n.ts";

const freshEmail = (tag: string) => `${tag}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
let addressCount = 0;

/** What each refused URL shows next to the field, per language. */
const REFUSALS: Array<{ url: string; words: Record<Lang, string> }> = [
  { url: "http://127.0.0.1:9/hook", words: { "zh-CN": "该网址指向本机、链路本地或内网地址", en: "The URL points to a loopback, link-local or private address" } },
  { url: "not a url", words: { "zh-CN": "请输入以 http:// 或 https:// 开头的完整网址", en: "Enter a full URL starting with http:// or https://" } },
  { url: "abc", words: { "zh-CN": "请输入以 http:// 或 https:// 开头的完整网址", en: "Enter a full URL starting with http:// or https://" } },
  { url: "https://user:pw@example.com/hook", words: { "zh-CN": "网址中不能包含用户名或密码", en: "must not contain a user name or password" } },
  { url: "https://nowhere.invalid/hook", words: { "zh-CN": "无法解析主机 “nowhere.invalid”", en: "The host “nowhere.invalid” could not be resolved" } },
];

describe(`webhook form refusals on ${BACKENDS[0]}`, () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ backend: BACKENDS[0]! });
  }, 60_000);
  afterAll(() => hub.close());

  for (const lang of ["zh-CN", "en"] as const) {
    test(`a refused webhook URL is said next to the field in ${lang}, never in the API's English`, async () => {
      const visitor = new Visitor(hub, `192.0.2.${addressCount++}`);
      visitor.cookies.set(LANG_COOKIE, lang);
      expect((await visitor.register(freshEmail("hook-i18n"))).status).toBe(303);
      await visitor.open("/dashboard/settings");
      for (const { url, words } of REFUSALS) {
        const response = await visitor.post("/dashboard/settings/webhooks", { url, "event.key.revoked": "on" });
        const html = await response.text();
        expect([url, response.status]).toEqual([url, 422]);
        expect([url, /id="webhook_url-error"[^>]*>([^<]*)</.exec(html)?.[1]]).toEqual([url, expect.stringContaining(words[lang])]);
        expect(html).not.toContain("Cannot create webhook");
        expect(html).not.toContain("Invalid field");
      }
    }, 30_000);
  }

  test("the API still answers a refused URL with its English message", async () => {
    const { token } = await registerUser(hub);
    const response = await hub.request("/api/v1/developer/webhooks", { method: "POST", token, json: { url: "http://127.0.0.1:9/hook", events: ["key.revoked"] } });
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ detail: "Cannot create webhook: url resolves to a loopback, link-local or private address" });
  });
});
