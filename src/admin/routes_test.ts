// The admin API on both backends: who may call it, what it changes, what it refuses, and what it never shows.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { auditLog, users } from "../db/schema/mod.ts";
import { json, registerAdmin } from "../testing/admin.ts";
import { BACKENDS } from "../testing/databases.ts";
import { startFakeUpstream } from "../testing/fake_upstream.ts";
import { createKey, createTestHub, registerUser, type TestHub } from "../testing/harness.ts";

const ROUTES: Array<[string, string, unknown?]> = [
  ["GET", "/api/v1/admin/users"],
  ["GET", "/api/v1/admin/users/1"],
  ["PATCH", "/api/v1/admin/users/1", { plan: "pro" }],
  ["POST", "/api/v1/admin/users/1/password-reset"],
  ["GET", "/api/v1/admin/plans"],
  ["PATCH", "/api/v1/admin/plans/free", { price: 0 }],
  ["GET", "/api/v1/admin/upstreams"],
  ["POST", "/api/v1/admin/upstreams", { name: "x", base_url: "http://127.0.0.1:1" }],
  ["PATCH", "/api/v1/admin/upstreams/x", { timeout_ms: 1000 }],
  ["GET", "/api/v1/admin/models"],
  ["POST", "/api/v1/admin/models", { id: "m", upstream: "x" }],
  ["PATCH", "/api/v1/admin/models/m", { input_price: 1 }],
  ["DELETE", "/api/v1/admin/models/m"],
  ["DELETE", "/api/v1/admin/upstreams/x"],
  ["GET", "/api/v1/admin/usage?days=7"],
  ["GET", "/api/v1/admin/audit"],
];

for (const backend of BACKENDS) {
  describe(`admin API on ${backend}`, () => {
    let hub: TestHub;
    let admin: Awaited<ReturnType<typeof registerAdmin>>;
    const fake = startFakeUpstream({ apiKey: "sk-upstream-secret-123" });
    beforeAll(async () => {
      hub = await createTestHub({ backend });
      admin = await registerAdmin(hub);
    }, 60_000);
    afterAll(async () => {
      await hub.close();
      await fake.stop();
    });

    test("every admin route refuses anonymous callers (401) and users (403 Admin access required)", async () => {
      const { token } = await registerUser(hub);
      for (const [method, path, body] of ROUTES) {
        const anonymous = await json(hub, path, { method, json: body });
        expect([method, path, anonymous.status]).toEqual([method, path, 401]);
        const user = await json(hub, path, { method, token, json: body });
        expect([method, path, user.status, user.body.detail]).toEqual([method, path, 403, "Admin access required"]);
      }
    });

    test("an admin reaches every route", async () => {
      const target = await registerUser(hub);
      const paths = ROUTES.map(([m, p, b]) => [m, p.replace("/users/1", `/users/${target.user.id}`).replace("upstreams/x", "upstreams/adm-x").replace("models/m", "models/adm-m"), b] as const);
      const bodies: Record<string, unknown> = { "/api/v1/admin/upstreams": { name: "adm-x", base_url: "http://127.0.0.1:1" }, "/api/v1/admin/models": { id: "adm-m", upstream: "adm-x" } };
      for (const [method, path, body] of paths) {
        const answer = await json(hub, path, { method, token: admin.token, json: bodies[path] ?? body });
        expect([method, path, answer.status]).toEqual([method, path, method === "POST" && !path.endsWith("password-reset") ? 201 : method === "DELETE" ? 204 : 200]);
      }
      await json(hub, "/api/v1/admin/users/" + target.user.id, { method: "PATCH", token: admin.token, json: { plan: "free" } });
    });

    test("users: search, filters, keyset pagination, detail with keys and subscriptions", async () => {
      const tag = `srch${Date.now().toString(36)}`;
      const made = [];
      for (let i = 0; i < 3; i++) made.push(await registerUser(hub, { email: `${tag}-${i}@example.com` }));
      await createKey(hub, made[0]!.token);
      const first = await json(hub, `/api/v1/admin/users?q=${tag}`, { token: admin.token });
      expect(first.body.users.map((u: { email: string }) => u.email)).toEqual([2, 1, 0].map((i) => `${tag}-${i}@example.com`));
      expect(first.body.users[2]).toMatchObject({ role: "user", keys_active: 1, plan: "free", rate_limit_ceiling: 60 });
      await json(hub, `/api/v1/admin/users/${made[1]!.user.id}`, { method: "PATCH", token: admin.token, json: { is_active: false } });
      const disabled = await json(hub, `/api/v1/admin/users?q=${tag}&status=disabled`, { token: admin.token });
      expect(disabled.body.users.map((u: { id: number }) => u.id)).toEqual([made[1]!.user.id]);
      const admins = await json(hub, `/api/v1/admin/users?role=admin`, { token: admin.token });
      expect(admins.body.users.some((u: { id: number }) => u.id === admin.user.id)).toBe(true);
      // Pages of the whole table follow each other without repeats.
      const seen = new Set<number>();
      let cursor: string | null = "";
      for (let pages = 0; cursor !== null && pages < 100; pages++) {
        const page = await json(hub, `/api/v1/admin/users?cursor=${cursor}`, { token: admin.token });
        for (const u of page.body.users) {
          expect(seen.has(u.id)).toBe(false);
          seen.add(u.id);
        }
        cursor = page.body.next_cursor;
      }
      expect(seen.has(made[0]!.user.id)).toBe(true);
      const detail = await json(hub, `/api/v1/admin/users/${made[0]!.user.id}`, { token: admin.token });
      expect(detail.body.keys).toHaveLength(1);
      expect(detail.body.keys[0].key).toBeUndefined();
      expect(detail.body.subscriptions[0]).toMatchObject({ plan: "free", status: "active" });
      expect(detail.body.usage).toMatchObject({ quota_total: 10000 });
      expect((await json(hub, "/api/v1/admin/users/999999999", { token: admin.token })).status).toBe(404);
    });

    test("PATCH user: plan, custom limits, disable (its keys get 403 Account disabled), all audited", async () => {
      const u = await registerUser(hub);
      const key = await createKey(hub, u.token);
      const changed = await json(hub, `/api/v1/admin/users/${u.user.id}`, { method: "PATCH", token: admin.token, json: { plan: "pro", monthly_quota: 123456, rate_limit_ceiling: 900 } });
      expect(changed.body).toMatchObject({ plan: "pro", monthly_quota: 123456, rate_limit_ceiling: 900, custom_rate_limit_ceiling: 900 });
      const info = await json(hub, "/v1/key", { token: key.key });
      expect(info.body.data).toMatchObject({ plan: "pro", quota_limit: 123456, rate_limit: 900 });
      await json(hub, `/api/v1/admin/users/${u.user.id}`, { method: "PATCH", token: admin.token, json: { is_active: false } });
      const refused = await json(hub, "/v1/key", { token: key.key });
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toBe("Account disabled");
      await json(hub, `/api/v1/admin/users/${u.user.id}`, { method: "PATCH", token: admin.token, json: { is_active: true } });
      expect((await json(hub, "/v1/key", { token: key.key })).status).toBe(200);
      const audit = await json(hub, `/api/v1/admin/audit?target=user:${u.user.id}%20`, { token: admin.token });
      expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual(["user.update", "user.update", "user.update"]);
      expect(audit.body.entries[2]).toMatchObject({ actor_email: admin.email, channel: "api", before: { plan: "free", monthly_quota: 10000 }, after: { plan: "pro", monthly_quota: 123456, rate_limit_ceiling: 900 } });
    });

    test("bad input on every field is refused naming the field, and changes nothing", async () => {
      const u = await registerUser(hub);
      const long = "x".repeat(10_000);
      const cases: Array<[string, string, unknown, string]> = [
        ["PATCH", `/api/v1/admin/users/${u.user.id}`, { plan: "platinum" }, "plan"],
        ["PATCH", `/api/v1/admin/users/${u.user.id}`, { monthly_quota: -1 }, "monthly_quota"],
        ["PATCH", `/api/v1/admin/users/${u.user.id}`, { rate_limit_ceiling: 0 }, "rate_limit_ceiling"],
        ["PATCH", `/api/v1/admin/users/${u.user.id}`, { is_active: "no" }, "is_active"],
        ["PATCH", `/api/v1/admin/users/${u.user.id}`, { role: "root" }, "role"],
        ["PATCH", "/api/v1/admin/plans/pro", { price: -5 }, "price"],
        ["PATCH", "/api/v1/admin/plans/pro", { monthly_quota: 1.5 }, "monthly_quota"],
        ["PATCH", "/api/v1/admin/plans/pro", { max_keys: 0 }, "max_keys"],
        ["PATCH", "/api/v1/admin/plans/pro", { default_rate_limit: -1 }, "default_rate_limit"],
        // Numbers are JSON numbers: a string that reads as one is still the wrong type.
        ["PATCH", `/api/v1/admin/users/${u.user.id}`, { monthly_quota: "500" }, "monthly_quota"],
        ["PATCH", `/api/v1/admin/users/${u.user.id}`, { rate_limit_ceiling: "900" }, "rate_limit_ceiling"],
        ["PATCH", `/api/v1/admin/users/${u.user.id}`, { is_active: "true" }, "is_active"],
        ["PATCH", "/api/v1/admin/plans/pro", { max_keys: "8" }, "max_keys"],
        ["PATCH", "/api/v1/admin/plans/pro", { monthly_quota: "5000" }, "monthly_quota"],
        ["PATCH", "/api/v1/admin/plans/pro", { default_rate_limit: "60" }, "default_rate_limit"],
        ["PATCH", "/api/v1/admin/plans/pro", { price: "9" }, "price"],
        ["POST", "/api/v1/admin/upstreams", { name: "ok-name", base_url: "https://example.com", timeout_ms: "1000" }, "timeout_ms"],
        ["POST", "/api/v1/admin/models", { id: "str-dep", deployments: [{ upstream: "adm-none", priority: "1" }] }, "deployments[0].priority"],
        ["POST", "/api/v1/admin/upstreams", { name: "bad-url", base_url: "ftp://example.com" }, "base_url"],
        ["POST", "/api/v1/admin/upstreams", { name: "bad-url", base_url: "javascript:alert(1)" }, "base_url"],
        ["POST", "/api/v1/admin/upstreams", { name: long, base_url: "https://example.com" }, "name"],
        ["POST", "/api/v1/admin/upstreams", { name: "ok-name", base_url: "https://example.com", timeout_ms: -1 }, "timeout_ms"],
        ["POST", "/api/v1/admin/models", { id: long, upstream: "adm-none" }, "id"],
        ["POST", "/api/v1/admin/models", { id: "bad-price", name: long, upstream: "adm-none" }, "name"],
        ["POST", "/api/v1/admin/models", { id: "bad-price", upstream: "adm-none", input_price: -1 }, "input_price"],
        ["POST", "/api/v1/admin/models", { id: "bad-price", upstream: "adm-none", output_price: -0.5 }, "output_price"],
        ["POST", "/api/v1/admin/models", { id: "bad-up", upstream: "no-such-upstream" }, "upstream"],
        ["POST", "/api/v1/admin/models", { id: "bad-dep", deployments: [{ upstream: "no-such-upstream" }] }, "deployments[0].upstream"],
      ];
      const before = JSON.stringify([(await json(hub, `/api/v1/admin/users/${u.user.id}`, { token: admin.token })).body.user, (await json(hub, "/api/v1/admin/plans", { token: admin.token })).body, (await json(hub, "/api/v1/admin/upstreams", { token: admin.token })).body, (await json(hub, "/api/v1/admin/models", { token: admin.token })).body]);
      const auditBefore = (await json(hub, "/api/v1/admin/audit", { token: admin.token })).body.entries[0]?.id;
      for (const [method, path, body, field] of cases) {
        const answer = await json(hub, path, { method, token: admin.token, json: body });
        expect([path, field, answer.status]).toEqual([path, field, 422]);
        expect(answer.body.detail).toContain(`'${field}'`);
      }
      const after = JSON.stringify([(await json(hub, `/api/v1/admin/users/${u.user.id}`, { token: admin.token })).body.user, (await json(hub, "/api/v1/admin/plans", { token: admin.token })).body, (await json(hub, "/api/v1/admin/upstreams", { token: admin.token })).body, (await json(hub, "/api/v1/admin/models", { token: admin.token })).body]);
      expect(after).toBe(before);
      expect((await json(hub, "/api/v1/admin/audit", { token: admin.token })).body.entries[0]?.id).toBe(auditBefore);
      expect((await json(hub, "/api/v1/admin/plans/platinum", { method: "PATCH", token: admin.token, json: { price: 1 } })).status).toBe(404);
    });

    test("a model added through the API answers through its upstream at the price set; the upstream key is never shown", async () => {
      const name = `fake-${backend}`;
      const up = await json(hub, "/api/v1/admin/upstreams", { token: admin.token, json: { name, base_url: fake.url, api_keys: ["sk-upstream-secret-123"] } });
      expect(up.body).toEqual({ name, base_url: fake.url.replace(/\/+$/, ""), api_keys_count: 1, timeout_ms: 120000, source: "database" });
      const model = await json(hub, "/api/v1/admin/models", { token: admin.token, json: { id: `vendor/priced-${backend}`, upstream: name, upstream_model: "fake-model", input_price: 1000, output_price: 2000 } });
      expect(model.status).toBe(201);
      const u = await registerUser(hub);
      const key = await createKey(hub, u.token);
      const listed = await json(hub, "/v1/models", { token: key.key });
      expect(listed.body.data.map((m: { id: string }) => m.id)).toContain(`vendor/priced-${backend}`);
      const chat = await json(hub, "/v1/chat/completions", { token: key.key, json: { model: `vendor/priced-${backend}`, messages: [{ role: "user", content: "hi" }] } });
      expect(chat.status).toBe(200);
      expect(chat.body.choices[0].message.content).toBe("Hello from the fake upstream.");
      await hub.runtime.flushUsage();
      const usage = await json(hub, `/api/v1/admin/users/${u.user.id}`, { token: admin.token });
      const expected = (chat.body.usage.prompt_tokens * 1000 + chat.body.usage.completion_tokens * 2000) / 1e6;
      expect(usage.body.history.total_cost).toBeCloseTo(expected, 9);
      const patched = await json(hub, `/api/v1/admin/models/${encodeURIComponent(`vendor/priced-${backend}`)}`, { method: "PATCH", token: admin.token, json: { output_price: 3 } });
      expect(patched.body.output_price).toBe(3);
      // The key went to the upstream, and nowhere else: responses, the audit log, the logs, the stored row.
      expect(fake.requests.at(-1)!.authorization).toBe("Bearer sk-upstream-secret-123");
      const everything = [JSON.stringify((await json(hub, "/api/v1/admin/upstreams", { token: admin.token })).body), JSON.stringify((await json(hub, "/api/v1/admin/audit", { token: admin.token })).body), hub.logs.join("\n")].join("\n");
      expect(everything).not.toContain("sk-upstream-secret-123");
      const rows = await hub.runtime.deps.database.db.select().from(auditLog).where(eq(auditLog.target, `upstream:${name}`));
      expect(JSON.stringify(rows)).not.toContain("sk-upstream");
      expect(JSON.stringify(await hub.runtime.deps.database.db.execute("select api_keys_sealed from catalog_upstreams"))).not.toContain("sk-upstream");
      expect((await json(hub, `/api/v1/admin/upstreams/${name}`, { method: "DELETE", token: admin.token })).status).toBe(409);
      expect((await json(hub, `/api/v1/admin/models/${encodeURIComponent(`vendor/priced-${backend}`)}`, { method: "DELETE", token: admin.token })).status).toBe(204);
      expect((await json(hub, "/v1/models", { token: key.key })).body.data.map((m: { id: string }) => m.id)).not.toContain(`vendor/priced-${backend}`);
      expect((await json(hub, `/api/v1/admin/users/${u.user.id}`, { token: admin.token })).body.history.total_requests).toBeGreaterThan(0);
    });

    test("configuration entries are listed read-only", async () => {
      const models = await json(hub, "/api/v1/admin/models", { token: admin.token });
      expect(models.body.models.find((m: { id: string }) => m.id === "demo")).toMatchObject({ source: "config" });
      expect((await json(hub, "/api/v1/admin/models/demo", { method: "PATCH", token: admin.token, json: { input_price: 1 } })).status).toBe(409);
      expect((await json(hub, "/api/v1/admin/models/demo", { method: "DELETE", token: admin.token })).status).toBe(409);
    });

    test("plans: a change applies at once (max keys, default rate limit, quota of users on the default)", async () => {
      const u = await registerUser(hub);
      const original = (await json(hub, "/api/v1/admin/plans", { token: admin.token })).body.plans.find((p: { name: string }) => p.name === "free");
      try {
        const patched = await json(hub, "/api/v1/admin/plans/free", { method: "PATCH", token: admin.token, json: { monthly_quota: 12345, max_keys: 1, default_rate_limit: 7 } });
        expect(patched.body).toEqual({ name: "free", monthly_quota: 12345, price: 0, max_keys: 1, default_rate_limit: 7 });
        expect((await json(hub, "/api/v1/auth/me", { token: u.token })).body.monthly_quota).toBe(12345);
        const key = await createKey(hub, u.token);
        expect((await json(hub, "/v1/key", { token: key.key })).body.data.rate_limit).toBe(7);
        const second = await json(hub, "/api/v1/developer/api-keys", { token: u.token, json: { name: "two" } });
        expect(second.status).toBe(403);
      } finally {
        await json(hub, "/api/v1/admin/plans/free", { method: "PATCH", token: admin.token, json: { monthly_quota: original.monthly_quota, max_keys: original.max_keys, default_rate_limit: original.default_rate_limit } });
      }
      expect((await json(hub, "/api/v1/auth/me", { token: u.token })).body.monthly_quota).toBe(original.monthly_quota);
    });

    test("the last admin can be neither demoted nor disabled; a second admin can be", async () => {
      const db = hub.runtime.deps.database.db;
      const solo = await registerAdmin(hub);
      // Only `solo` stays an admin for this test (the database is shared by this process's suites).
      const others = await db.update(users).set({ role: "user" }).where(eq(users.role, "admin")).returning({ id: users.id });
      await db.update(users).set({ role: "admin" }).where(eq(users.id, solo.user.id));
      try {
        for (const patch of [{ role: "user" }, { is_active: false }]) {
          const refused = await json(hub, `/api/v1/admin/users/${solo.user.id}`, { method: "PATCH", token: solo.token, json: patch });
          expect(refused.status).toBe(409);
          expect(refused.body.detail).toContain("last admin");
        }
        const other = await registerUser(hub);
        expect((await json(hub, `/api/v1/admin/users/${other.user.id}`, { method: "PATCH", token: solo.token, json: { role: "admin" } })).body.role).toBe("admin");
        expect((await json(hub, `/api/v1/admin/users/${solo.user.id}`, { method: "PATCH", token: other.token, json: { role: "user" } })).body.role).toBe("user");
        expect((await json(hub, "/api/v1/admin/users", { token: solo.token })).status).toBe(403);
        const audit = await json(hub, `/api/v1/admin/audit?action=user.demote&actor=${encodeURIComponent(other.email)}`, { token: other.token });
        expect(audit.body.entries[0]).toMatchObject({ before: { role: "admin" }, after: { role: "user" } });
      } finally {
        for (const { id } of others) await db.update(users).set({ role: "admin" }).where(eq(users.id, id));
      }
    });

    test("a password-reset link is issued once, valid for one use", async () => {
      const u = await registerUser(hub);
      const link = await json(hub, `/api/v1/admin/users/${u.user.id}/password-reset`, { method: "POST", token: admin.token });
      expect(link.body.reset_url).toStartWith("http://localhost:");
      const token = new URL(link.body.reset_url).searchParams.get("token")!;
      // The user's reset endpoint takes it once.
      const reset = () => hub.request("/api/v1/auth/password/reset", { method: "POST", json: { token, password: "a brand new password" } });
      expect((await reset()).status).toBe(200);
      expect((await reset()).status).toBe(400);
      expect((await hub.request("/api/v1/auth/login", { method: "POST", json: { email: u.email, password: "a brand new password" } })).status).toBe(200);
      const audit = await json(hub, "/api/v1/admin/audit?action=user.password_reset_link", { token: admin.token });
      expect(JSON.stringify(audit.body)).not.toContain(token);
    });

    test("usage: daily with zeros, totals, top users and models, top keys this month", async () => {
      const answer = await json(hub, "/api/v1/admin/usage?days=7", { token: admin.token });
      expect(answer.body.daily).toHaveLength(7);
      expect(answer.body.totals).toHaveProperty("error_rate");
      expect(Array.isArray(answer.body.top_users)).toBe(true);
      expect(Array.isArray(answer.body.top_keys_month)).toBe(true);
      expect((await json(hub, "/api/v1/admin/usage?days=0", { token: admin.token })).status).toBe(422);
      expect((await json(hub, "/api/v1/admin/audit?from=yesterday", { token: admin.token })).status).toBe(422);
    });
  });
}
