// The layout's language switch through app.handle, without JavaScript: it keeps a GET page's query (log filters, the
// usage range), and a page an admin form's POST rendered links to the GET page that form lives on, never a 404.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { changeUser } from "../admin/users.ts";
import { findUserByEmail } from "../auth/mod.ts";
import { BACKENDS } from "../testing/databases.ts";
import { Visitor } from "../testing/console_visitor.ts";
import { createTestHub, registerUser, type TestHub } from "../testing/harness.ts";

let n = 0;
const email = (tag: string) => `${tag}-${Date.now().toString(36)}${n++}@example.com`;

/** The `next` of the page's language switch (its href is HTML-escaped). */
function switchNext(html: string): string | null {
  const href = /href="(\/lang\?to=[^"]*)"/.exec(html)?.[1];
  return href ? new URL(href.replaceAll("&amp;", "&"), "http://localhost").searchParams.get("next") : null;
}

describe("language switch", () => {
  let hub: TestHub;
  let admin: Visitor;
  beforeAll(async () => {
    hub = await createTestHub({ backend: BACKENDS[0]! });
    admin = new Visitor(hub, "198.51.100.21");
    const mail = email("lang-admin");
    expect((await admin.register(mail)).status).toBe(303);
    const row = await findUserByEmail(hub.runtime.deps.database.db, mail);
    await changeUser(hub.runtime.deps.database.db, row!.id, { role: "admin" });
  }, 60_000);
  afterAll(() => hub.close());

  /** Follows the switch on `html` as the browser would: the page it lands on, in the other language. */
  async function follow(html: string) {
    const next = switchNext(html);
    const to = /<html lang="en"/.test(html) ? "zh-CN" : "en";
    const redirect = await admin.send(`/lang?to=${to}&next=${encodeURIComponent(next ?? "")}`);
    expect(redirect.status).toBe(303);
    const location = redirect.headers.get("location")!;
    return { location, status: (await admin.send(location)).status };
  }

  test("a GET page's switch keeps its query string", async () => {
    admin.cookies.set("aihub_lang", "zh-CN");
    for (const url of ["/dashboard/logs?model=fake-model&status=5xx", "/dashboard/usage?days=90", "/admin/users?q=a%20b&plan=pro"]) {
      const html = await admin.open(url);
      expect([url, switchNext(html)]).toEqual([url, url]);
      expect(await follow(html)).toEqual({ location: url, status: 200 });
    }
  });

  test("a backslash in the query survives as %5C, which /lang accepts", async () => {
    const html = await admin.open("/dashboard/logs?model=a\\b");
    expect(switchNext(html)).toBe("/dashboard/logs?model=a%5Cb");
    expect((await follow(html)).location).toBe("/dashboard/logs?model=a%5Cb");
  });

  test("a page an admin form's POST rendered switches to that form's GET page", async () => {
    admin.cookies.set("aihub_lang", "en");
    const target = await registerUser(hub, { email: email("lang-target") });
    const userPage = `/admin/users/${target.user.id}`;
    await admin.open("/admin/catalog");
    const posts: Array<[string, Record<string, string>, string]> = [
      ["/admin/upstreams", { name: "bad name!", base_url: "https://x.example/v1" }, "/admin/catalog"],
      ["/admin/models/edit", { id: "no-such-model", input_price: "-5", output_price: "1" }, "/admin/catalog"],
      [`${userPage}/limits`, { plan: "pro", monthly_quota: "-3", rate_limit_ceiling: "" }, userPage],
      [`${userPage}/reset`, {}, userPage],
      ["/admin/users/999999999/limits", { plan: "pro", monthly_quota: "-3" }, "/admin/users"],
      ["/admin/plans/free", { price: "-1" }, "/admin/plans"],
    ];
    for (const [path, form, page] of posts) {
      const response = await admin.post(path, form);
      const html = await response.text();
      expect([path, response.headers.get("content-type")]).toEqual([path, "text/html; charset=utf-8"]);
      expect([path, switchNext(html)]).toEqual([path, page]);
      expect([path, await follow(html)]).toEqual([path, { location: page, status: 200 }]);
    }
  });

  test("settings, a revoke's confirmation and a refused password reset switch to their GET pages", async () => {
    await admin.open("/dashboard/settings");
    let response = await admin.post("/dashboard/settings/password", { current_password: "x", new_password: "short" });
    expect(response.status).toBe(422);
    expect(switchNext(await response.text())).toBe("/dashboard/settings");
    response = await admin.post("/dashboard/settings/webhooks", { url: "https://hooks.example/x" });
    expect(switchNext(await response.text())).toBe("/dashboard/settings");
    await admin.open("/dashboard/api-keys");
    expect((await admin.post("/dashboard/api-keys", { name: "lang key" })).status).toBe(200);
    const keys = await admin.open("/dashboard/api-keys");
    const id = /href="\/dashboard\/api-keys\/(\d+)"/.exec(keys)![1];
    response = await admin.post(`/dashboard/api-keys/${id}/revoke`, {});
    expect(switchNext(await response.text())).toBe("/dashboard/api-keys");
    const visitor = new Visitor(hub, "198.51.100.22");
    await visitor.open("/reset-password?token=lang-token");
    response = await visitor.post("/reset-password", { token: "lang-token", password: "short" });
    expect(response.status).toBe(422);
    expect(switchNext(await response.text())).toBe("/reset-password?token=lang-token");
  });
});
