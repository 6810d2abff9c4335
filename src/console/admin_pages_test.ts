// The /admin console through app.handle, without JavaScript: 404 for non-admins, every page in both languages,
// user actions and catalog forms as plain form posts, field errors next to their fields, no upstream key on any page.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { adminUsage } from "../admin/mod.ts";
import { changeUser } from "../admin/users.ts";
import { findUserByEmail } from "../auth/mod.ts";
import { usageDaily } from "../db/schema/mod.ts";
import { BACKENDS } from "../testing/databases.ts";
import { createKey, createTestHub, registerUser, type TestHub } from "../testing/harness.ts";
import { startFakeUpstream } from "../testing/fake_upstream.ts";
import { Visitor } from "../testing/console_visitor.ts";

const PAGES = ["/admin", "/admin/users", "/admin/plans", "/admin/catalog", "/admin/audit"];
let n = 0;
const email = (tag: string) => `${tag}-${Date.now().toString(36)}${n++}@example.com`;

for (const backend of BACKENDS) {
  describe(`admin console on ${backend}`, () => {
    let hub: TestHub;
    let admin: Visitor;
    beforeAll(async () => {
      hub = await createTestHub({ backend });
      admin = new Visitor(hub, "198.51.100.7");
      const mail = email("console-admin");
      expect((await admin.register(mail)).status).toBe(303);
      const row = await findUserByEmail(hub.runtime.deps.database.db, mail);
      await changeUser(hub.runtime.deps.database.db, row!.id, { role: "admin" });
    }, 60_000);
    afterAll(() => hub.close());

    test("admin pages are 404 for visitors and users, and render for admins in both languages", async () => {
      const visitor = new Visitor(hub, "198.51.100.8");
      const user = new Visitor(hub, "198.51.100.9");
      await user.register(email("console-user"));
      for (const path of [...PAGES, "/admin/users/1"]) {
        expect([path, (await visitor.send(path)).status]).toEqual([path, 404]);
        expect([path, (await user.send(path)).status]).toEqual([path, 404]);
      }
      await user.open("/dashboard");
      expect((await user.post("/admin/plans/free", { price: "1" })).status).toBe(404);
      for (const lang of ["zh-CN", "en"]) {
        admin.cookies.set("aihub_lang", lang);
        for (const path of PAGES) {
          const response = await admin.send(path);
          expect([path, response.status]).toEqual([path, 200]);
          const html = await response.text();
          expect(html).toContain(lang === "en" ? "Audit log" : "审计日志");
        }
      }
      admin.cookies.set("aihub_lang", "en");
    });

    test("a user's actions work as plain form posts, and are audited from the console", async () => {
      admin.cookies.set("aihub_lang", "en");
      const target = await registerUser(hub, { email: email("console-target") });
      const page = await admin.open(`/admin/users/${target.user.id}`);
      expect(page).toContain(target.email);
      let response = await admin.post(`/admin/users/${target.user.id}/limits`, { plan: "pro", monthly_quota: "", rate_limit_ceiling: "" });
      expect(response.status).toBe(303);
      expect((await admin.open(`/admin/users/${target.user.id}?saved=1`))).toContain("Saved");
      expect(((await (await hub.request("/api/v1/auth/me", { token: target.token })).json()) as { plan: string }).plan).toBe("pro");
      response = await admin.post(`/admin/users/${target.user.id}/limits`, { plan: "pro", monthly_quota: "-3", rate_limit_ceiling: "" });
      expect(response.status).toBe(422);
      expect(await response.text()).toContain("The monthly quota must be a whole number of requests from 0 to 2,000,000,000.");
      expect((await admin.post(`/admin/users/${target.user.id}/status`, { is_active: "false" })).status).toBe(303);
      expect((await hub.request("/api/v1/auth/me", { token: target.token })).status).toBe(403);
      expect((await admin.post(`/admin/users/${target.user.id}/status`, { is_active: "true" })).status).toBe(303);
      expect((await admin.post(`/admin/users/${target.user.id}/role`, { role: "admin" })).status).toBe(303);
      expect((await admin.post(`/admin/users/${target.user.id}/role`, { role: "user" })).status).toBe(303);
      const reset = await admin.post(`/admin/users/${target.user.id}/reset`, {});
      expect(await reset.text()).toMatch(/reset-password\?token=[\w-]{43}/);
      const audit = await admin.open(`/admin/audit?target=${encodeURIComponent(`user:${target.user.id} `)}`);
      for (const action of ["user.update", "user.promote", "user.demote", "user.password_reset_link"]) expect(audit).toContain(action);
      expect(audit).toContain("console");
      expect((await admin.post(`/admin/users/${target.user.id}/limits`, { plan: "pro" }, { origin: "http://evil.example" })).status).toBe(403);
    });

    test("the overview shows each upstream's health in both languages: healthy, cooling down until when, keys set aside", async () => {
      expect((await admin.post("/admin/upstreams", { name: "health-up", base_url: "https://health.example/v1", api_key: "sk-health-secret" })).status).toBe(303);
      expect((await admin.post("/admin/models", { id: "health-model", upstream: "health-up", input_price: "0", output_price: "0" })).status).toBe(303);
      admin.cookies.set("aihub_lang", "en");
      let html = await admin.open("/admin");
      expect(html).toMatch(/health-up<\/td>.*?Healthy/s);
      const router = hub.runtime.deps.router;
      const real = router.status;
      router.status = async (models) => (await real(models)).map((s) => s.upstream === "health-up"
        ? { ...s, state: "cooling_down" as const, cooling_until: "2030-01-02T03:04:05.000Z", keys_out: [{ key: "#1", state: "set_aside" as const, reason: "HTTP 401", until: null }, { key: "#2", state: "resting" as const, reason: "HTTP 429", until: "2030-01-02T03:05:00.000Z" }] }
        : s);
      try {
        html = await admin.open("/admin");
        expect(html).toContain("health-model cooling down until 2030-01-02 03:04:05 UTC");
        expect(html).toContain("key #1 set aside");
        expect(html).toContain("key #2 resting until 2030-01-02 03:05:00 UTC");
        admin.cookies.set("aihub_lang", "zh-CN");
        html = await admin.open("/admin");
        expect(html).toContain("health-model 冷却中, 直到 2030-01-02 03:04:05 UTC");
        expect(html).toContain("密钥 #1 已搁置");
      } finally {
        router.status = real;
        admin.cookies.set("aihub_lang", "en");
      }
      expect(html).not.toContain("sk-health-secret");
      expect((await admin.post("/admin/models/delete", { id: "health-model" })).status).toBe(303);
      expect((await admin.post("/admin/upstreams/delete", { name: "health-up" })).status).toBe(303);
    });

    test("database upstreams and models are edited by form (keys write-only, errors beside the field in the page's language); config entries are read-only", async () => {
      const catalog = hub.runtime.deps.catalog;
      expect((await admin.post("/admin/upstreams", { name: "edit-up", base_url: "https://edit.example/v1", api_key: "sk-edit-first" })).status).toBe(303);
      expect((await admin.post("/admin/upstreams", { name: "edit-up2", base_url: "https://edit2.example/v1" })).status).toBe(303);
      expect((await admin.post("/admin/models", { id: "edit-model", upstream: "edit-up", input_price: "1", output_price: "2" })).status).toBe(303);
      admin.cookies.set("aihub_lang", "en");
      let html = await admin.open("/admin/catalog");
      expect(html).toContain("Edit edit-up");
      expect(html).toContain("Edit edit-model");
      expect(html).toContain("edit-up edit-model 1 1");
      expect(html).toContain("From the environment or UPSTREAMS_FILE: read-only");
      expect(html).not.toContain("sk-edit-first");

      admin.cookies.set("aihub_lang", "zh-CN");
      let response = await admin.post("/admin/upstreams/edit", { name: "edit-up", base_url: "ftp://nope.example", timeout_ms: "5000", api_keys: "" });
      expect(response.status).toBe(422);
      html = await response.text();
      expect(html).toMatch(/id="eu-edit-up-base_url"[^>]*aria-invalid="true"[\s\S]*?须为 http:\/\/ 或 https:\/\/ 开头的网址/);
      expect(html).toContain('value="ftp://nope.example"');
      expect((await admin.post("/admin/upstreams/edit", { name: "edit-up", base_url: "https://edit.example/v2", timeout_ms: "5000", api_keys: "" })).status).toBe(303);
      let up = catalog.listUpstreams().find((u) => u.name === "edit-up")!;
      expect(up).toMatchObject({ base_url: "https://edit.example/v2", timeout_ms: 5000, api_keys_count: 1 });
      expect((await admin.post("/admin/upstreams/edit", { name: "edit-up", base_url: "https://edit.example/v2", timeout_ms: "5000", api_keys: "sk-edit-a\nsk-edit-b\n" })).status).toBe(303);
      up = catalog.listUpstreams().find((u) => u.name === "edit-up")!;
      expect(up.api_keys_count).toBe(2);
      expect(catalog.upstreams().find((u) => u.name === "edit-up")!.apiKey).toBe("sk-edit-a");

      admin.cookies.set("aihub_lang", "en");
      response = await admin.post("/admin/models/edit", { id: "edit-model", name: "Edit Model", input_price: "-5", output_price: "2", deployments: "edit-up edit-model 1 1" });
      expect(response.status).toBe(422);
      expect(await response.text()).toContain("The price must be a number from 0 to 1,000,000");
      response = await admin.post("/admin/models/edit", { id: "edit-model", name: "Edit Model", input_price: "3", output_price: "4", deployments: "no-such-up m 1 1" });
      expect(response.status).toBe(422);
      expect(await response.text()).toContain("an existing upstream");
      expect((await admin.post("/admin/models/edit", { id: "edit-model", name: "Edit Model", input_price: "3", output_price: "4", deployments: "edit-up edit-model 1 1\nedit-up2 other-model 2 3" })).status).toBe(303);
      expect(catalog.listModels().find((m) => m.id === "edit-model")).toMatchObject({
        name: "Edit Model", input_price: 3, output_price: 4,
        deployments: [{ upstream: "edit-up", upstream_model: "edit-model", priority: 1, weight: 1 }, { upstream: "edit-up2", upstream_model: "other-model", priority: 2, weight: 3 }],
      });
      const configModel = catalog.listModels().find((m) => m.source === "config")!;
      response = await admin.post("/admin/models/edit", { id: configModel.id, input_price: "1", output_price: "1" });
      expect(response.status).toBe(409);
      expect(await response.text()).toContain("read-only");
      const audit = await admin.open("/admin/audit?action=upstream.update");
      expect(audit).toContain("upstream:edit-up");
      expect(audit).not.toContain("sk-edit-");
      expect((await admin.post("/admin/models/delete", { id: "edit-model" })).status).toBe(303);
      for (const name of ["edit-up", "edit-up2"]) expect((await admin.post("/admin/upstreams/delete", { name })).status).toBe(303);
    });

    test("the add-model form test-calls the chosen upstream without saving; saving needs no test", async () => {
      const fake = startFakeUpstream({ apiKey: "sk-fake-test-call" });
      try {
        expect((await admin.post("/admin/upstreams", { name: "tc-up", base_url: fake.url, api_key: "sk-fake-test-call" })).status).toBe(303);
        admin.cookies.set("aihub_lang", "en");
        const form = { id: "tc-model", upstream: "tc-up", upstream_model: "fake-model", input_price: "0.5", output_price: "1" };
        let response = await admin.post("/admin/models", { ...form, intent: "test" });
        expect(response.status).toBe(200);
        let html = await response.text();
        expect(html).toMatch(/tc-up answered in \d+ ms/);
        expect(html).toContain("Hello from the fake upstream.");
        expect(html).toContain('value="tc-model"');
        expect(fake.requests.at(-1)!.body).toMatchObject({ model: "fake-model", stream: false });
        expect(hub.runtime.deps.catalog.listModels().some((m) => m.id === "tc-model")).toBe(false);
        admin.cookies.set("aihub_lang", "zh-CN");
        expect((await admin.post("/admin/upstreams", { name: "tc-nokey", base_url: fake.url })).status).toBe(303);
        html = await (await admin.post("/admin/models", { ...form, upstream: "tc-nokey", intent: "test" })).text();
        expect(html).toContain("tc-nokey 调用失败");
        expect(html).toContain("key_refused: HTTP 401");
        response = await admin.post("/admin/models", { ...form, input_price: "-1", intent: "test" });
        expect(response.status).toBe(422);
        expect(await response.text()).toContain("价格须为 0 到 1,000,000 之间的数字");
        expect((await admin.post("/admin/models", form)).status).toBe(303);
        expect(hub.runtime.deps.catalog.listModels().some((m) => m.id === "tc-model")).toBe(true);
        expect((await admin.post("/admin/models/delete", { id: "tc-model" })).status).toBe(303);
        for (const name of ["tc-up", "tc-nokey"]) expect((await admin.post("/admin/upstreams/delete", { name })).status).toBe(303);
      } finally {
        admin.cookies.set("aihub_lang", "en");
        await fake.stop();
      }
    });

    test("the add-model form refuses an id that is already another model's name, above the form with the id kept", async () => {
      admin.cookies.set("aihub_lang", "en");
      await admin.open("/admin/catalog");
      expect((await admin.post("/admin/upstreams", { name: "names-up", base_url: "https://names.example/v1" })).status).toBe(303);
      const catalog = hub.runtime.deps.catalog;
      expect((await catalog.createModel({ id: "names-model", aliases: ["names-alias"], upstream: "names-up" })).ok).toBe(true);
      try {
        for (const [id, message] of [["names-alias", "The name “names-alias” already belongs to the model “names-model”: every id and alias must name one model."], ["demo", "A model with id “demo” already exists."]]) {
          const response = await admin.post("/admin/models", { id: id!, upstream: "names-up", input_price: "0", output_price: "0", intent: "save" });
          expect([id, response.status]).toEqual([id, 409]);
          const html = await response.text();
          expect(html).toContain(`<p class="alert" role="alert">${message}`);
          expect(html).toMatch(new RegExp(`id="m-id"[^>]*value="${id}"`));
        }
        expect(catalog.listModels().filter((m) => m.id === "names-alias")).toEqual([]);
      } finally {
        expect((await admin.post("/admin/models/delete", { id: "names-model" })).status).toBe(303);
        expect((await admin.post("/admin/upstreams/delete", { name: "names-up" })).status).toBe(303);
      }
    });

    test("the overview lists the top keys by requests this month, with their owners", async () => {
      const db = hub.runtime.deps.database.db;
      const owner = await registerUser(hub, { email: email("top-key-owner") });
      const key = await createKey(hub, owner.token, { name: "busiest <key>" });
      const today = new Date().toISOString().slice(0, 10);
      const lastMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 1, 15)).toISOString().slice(0, 10);
      const row = { userId: owner.user.id, apiKeyId: key.id, model: "demo", successful: 0, promptTokens: 0, completionTokens: 0, cost: 0 };
      // Last month's calls do not count: only this month's requests rank a key.
      await db.insert(usageDaily).values([{ ...row, day: today, requests: 1_000_000_000 }, { ...row, day: lastMonth, requests: 9_000_000_000 }]);
      try {
        admin.cookies.set("aihub_lang", "en");
        let html = await admin.open("/admin");
        expect(html).toContain("Top keys this month");
        expect(html).toMatch(/busiest &lt;key&gt;<\/span> <span class="mono small">[^<]*…<\/span><div class="small"><a href="\/admin\/users\/\d+">top-key-owner[^<]*<\/a><\/div><\/td><td class="num">1,000,000,000</);
        admin.cookies.set("aihub_lang", "zh-CN");
        html = await admin.open("/admin");
        expect(html).toContain("本月请求最多的密钥");
        const usage = await adminUsage(db, 30);
        expect(usage.top_keys_month[0]).toMatchObject({ key_id: key.id, name: "busiest <key>", key_prefix: key.key_prefix, user_id: owner.user.id, requests: 1_000_000_000 });
      } finally {
        admin.cookies.set("aihub_lang", "en");
        await db.delete(usageDaily).where(eq(usageDaily.apiKeyId, key.id));
      }
    });

    test("catalog forms validate base URLs and prices; upstream keys never appear on a page", async () => {
      await admin.open("/admin/catalog");
      let response = await admin.post("/admin/upstreams", { name: "console-up", base_url: "ftp://example.com", api_key: "sk-console-secret" });
      expect(response.status).toBe(422);
      let html = await response.text();
      expect(html).toContain("base_url");
      expect(html).not.toContain("sk-console-secret");
      expect((await admin.post("/admin/upstreams", { name: "console-up", base_url: "https://example.com/v1", api_key: "sk-console-secret" })).status).toBe(303);
      response = await admin.post("/admin/models", { id: "console-model", upstream: "console-up", input_price: "-1", output_price: "0" });
      expect(response.status).toBe(422);
      expect(await response.text()).toContain("input_price");
      expect((await admin.post("/admin/models", { id: "console-model", upstream: "console-up", input_price: "0.5", output_price: "1.5" })).status).toBe(303);
      html = await admin.open("/admin/catalog");
      expect(html).toContain("console-model");
      expect(html).not.toContain("sk-console-secret");
      expect((await admin.post("/admin/upstreams/delete", { name: "console-up" })).status).toBe(409);
      expect((await admin.post("/admin/models/delete", { id: "console-model" })).status).toBe(303);
      expect((await admin.post("/admin/upstreams/delete", { name: "console-up" })).status).toBe(303);
      for (const path of PAGES) expect(await (await admin.send(path)).text()).not.toContain("sk-console-secret");
      expect(hub.logs.join("\n")).not.toContain("sk-console-secret");
    });
  });
}
