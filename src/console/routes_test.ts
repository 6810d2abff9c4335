// Console form protections through app.handle: CSRF tokens bound to the session, the Origin check, and the
// registration throttle on the form.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { BACKENDS } from "../testing/databases.ts";
import { Visitor } from "../testing/console_visitor.ts";
import { createTestHub, type TestHub } from "../testing/harness.ts";

let addressCount = 0;
const freshAddress = () => `192.0.2.${addressCount++ % 250}`;
const freshEmail = (tag: string) => `${tag}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;

for (const backend of BACKENDS) {
  describe(`console form protections on ${backend}`, () => {
    let hub: TestHub;
    beforeAll(async () => {
      hub = await createTestHub({ backend, env: { REGISTRATIONS_PER_HOUR_PER_ADDRESS: "3" } });
    }, 60_000);
    afterAll(() => hub.close());

    test("a form posted with its own token from the hub's origin is accepted", async () => {
      const visitor = new Visitor(hub, freshAddress());
      const registered = await visitor.register(freshEmail("ok"));
      expect(registered.status).toBe(303);
      expect(registered.headers.get("location")).toBe("/dashboard");
      await visitor.open("/dashboard/api-keys");
      const created = await visitor.post("/dashboard/api-keys", { name: "console key" });
      expect(created.status).toBe(200);
      expect(await created.text()).toContain("console key");
    });

    test("every console page is HTML with the page headers; the developer API carries none of them", async () => {
      const visitor = new Visitor(hub, freshAddress());
      const pages = async (paths: string[]) => Promise.all(paths.map((path) => visitor.send(path)));
      const before = await pages(["/login", "/register"]);
      await visitor.register(freshEmail("headers"));
      for (const page of [...before, ...(await pages(["/dashboard", "/dashboard/api-keys", "/dashboard/usage", "/dashboard/playground", "/reference"]))]) {
        expect(page.status).toBe(200);
        expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
        expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
        expect(page.headers.get("x-frame-options")).toBe("DENY");
        expect(page.headers.get("vary")).toBe("HX-Request");
        expect(page.headers.get("cache-control")).toBe("no-store");
      }
      const api = await hub.request("/v1/models");
      expect(api.status).toBe(401);
      expect(api.headers.get("content-security-policy")).toBeNull();
      expect(api.headers.get("vary")).toBeNull();
    });

    test("a cookie and token pair planted from another visit is refused for a signed-in user", async () => {
      const attacker = new Visitor(hub, freshAddress());
      await attacker.open("/login");
      const victim = new Visitor(hub, freshAddress());
      expect((await victim.register(freshEmail("victim"))).status).toBe(303);
      // The attacker plants their pre-session cookie in the victim's browser and submits their own token.
      victim.cookies.set("aihub_csrf", attacker.cookies.get("aihub_csrf")!);
      victim.token = attacker.token;
      const forged = await victim.post("/dashboard/api-keys", { name: "forged" });
      expect(forged.status).toBe(403);
      await victim.open("/dashboard/api-keys");
      expect(await victim.open("/dashboard/api-keys")).not.toContain("forged");
    });

    test("a token from the same browser before sign-in stops working after it", async () => {
      const visitor = new Visitor(hub, freshAddress());
      await visitor.open("/register");
      const anonymous = visitor.token;
      expect((await visitor.post("/register", { email: freshEmail("rotate"), password: "console-password-1" })).status).toBe(303);
      visitor.token = anonymous;
      expect((await visitor.post("/dashboard/api-keys", { name: "stale" })).status).toBe(403);
    });

    test("a cross-site Origin or Sec-Fetch-Site is refused even with a valid token", async () => {
      const visitor = new Visitor(hub, freshAddress());
      expect((await visitor.register(freshEmail("origin"))).status).toBe(303);
      await visitor.open("/dashboard/api-keys");
      const crossSite: Array<Record<string, string>> = [{ origin: "https://evil.example" }, { origin: "null" }, { origin: "http://localhost.evil.example" }, { "sec-fetch-site": "cross-site" }, { origin: "http://localhost", "sec-fetch-site": "cross-site" }];
      for (const headers of crossSite) {
        expect((await visitor.post("/dashboard/api-keys", { name: "cross-site" }, headers)).status).toBe(403);
      }
      expect(await visitor.open("/dashboard/api-keys")).not.toContain("cross-site");
      // Same origin (with the default port spelled out in Host), and no Origin at all (older clients): the token decides.
      expect((await visitor.post("/dashboard/api-keys", { name: "same-site" }, { origin: "http://localhost", host: "localhost:80" })).status).toBe(200);
      expect((await visitor.post("/dashboard/api-keys", { name: "no-origin" }, {})).status).toBe(200);
    });

    test("the login form is refused cross-site too", async () => {
      const visitor = new Visitor(hub, freshAddress());
      await visitor.open("/login");
      const response = await visitor.post("/login", { email: "someone@example.com", password: "whatever-1" }, { origin: "https://evil.example" });
      expect(response.status).toBe(403);
    });

    test("the registration form is throttled per address: 429 with Retry-After after REGISTRATIONS_PER_HOUR_PER_ADDRESS", async () => {
      const address = freshAddress();
      for (let i = 0; i < 3; i++) expect((await new Visitor(hub, address).register(freshEmail("burst"))).status).toBe(303);
      const refused = await new Visitor(hub, address).register(freshEmail("burst"));
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(3500);
      // The visitor sends no language, so the page is zh-CN and says so for people (error_text.ts).
      expect(await refused.text()).toContain("来自该地址的注册过于频繁");
      expect((await new Visitor(hub, freshAddress()).register(freshEmail("other"))).status).toBe(303);
    });
  });
}

describe("the Origin check with PUBLIC_URL", () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ backend: BACKENDS[0]!, env: { PUBLIC_URL: "https://hub.example.com/" } });
  }, 60_000);
  afterAll(() => hub.close());

  test("compares Origin with PUBLIC_URL's origin, not with the Host a proxy passed on", async () => {
    const visitor = new Visitor(hub, freshAddress());
    await visitor.open("/register");
    const form = { email: freshEmail("public"), password: "console-password-1" };
    expect((await visitor.post("/register", form, { origin: "http://localhost" })).status).toBe(403);
    expect((await visitor.post("/register", form, { origin: "https://hub.example.com" })).status).toBe(303);
  });
});
