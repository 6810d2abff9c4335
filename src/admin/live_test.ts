// Admin changes reach a second hub process sharing PostgreSQL and Redis within one second, with no restart.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { type Database, openPostgres } from "../db/mod.ts";
import { users } from "../db/schema/mod.ts";
import { freshPostgresUrl, REDIS_URL } from "../testing/databases.ts";
import { type FakeUpstream, startFakeUpstream } from "../testing/fake_upstream.ts";
import { TEST_JWT_SECRET } from "../testing/harness.ts";
import { call, type HubProcess, spawnHub } from "../testing/process.ts";

/** Polls `check` until it holds; fails if that takes longer than one second after the change. */
async function withinOneSecond(check: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < 1000) {
    if (await check()) return performance.now() - started;
    await Bun.sleep(25);
  }
  throw new Error("the change did not reach the second hub within one second");
}

describe("admin changes on two hub processes sharing PostgreSQL and Redis", () => {
  let hubs: HubProcess[] = [];
  let upstream: FakeUpstream;
  let database: Database;
  let adminToken = "";
  let user = { id: 0, token: "", key: "" };

  beforeAll(async () => {
    upstream = startFakeUpstream({ record: false });
    const databaseUrl = await freshPostgresUrl();
    const env = { DATABASE_URL: databaseUrl, REDIS_URL, REDIS_PREFIX: `aihub-live-${process.pid}-${Date.now().toString(36)}`, JWT_SECRET: TEST_JWT_SECRET };
    hubs = [await spawnHub(env), await spawnHub(env)];
    database = await openPostgres(databaseUrl, { max: 2 });
    const register = async (email: string) => (await (await call(hubs[0]!.base, "/api/v1/auth/register", { json: { email, password: "live-password-1" } })).json()) as { access_token: string; user: { id: number } };
    const admin = await register(`live-admin-${Date.now()}@example.com`);
    await database.db.update(users).set({ role: "admin" }).where(eq(users.id, admin.user.id));
    adminToken = admin.access_token;
    const u = await register(`live-user-${Date.now()}@example.com`);
    const key = (await (await call(hubs[0]!.base, "/api/v1/developer/api-keys", { token: u.access_token, json: { name: "live" } })).json()) as { key: string };
    user = { id: u.user.id, token: u.access_token, key: key.key };
  }, 90_000);
  afterAll(async () => {
    for (const hub of hubs) await hub.stop();
    await database?.close();
    await upstream?.stop();
  });

  const keyOnB = async () => (await call(hubs[1]!.base, "/v1/key", { token: user.key }));
  const admin = (path: string, method: string, json?: unknown) => call(hubs[0]!.base, path, { method, token: adminToken, json });

  test("a plan change, a disabled account and a plan's new default reach the second hub within a second", async () => {
    expect(((await (await keyOnB()).json()) as { data: { plan: string } }).data.plan).toBe("free");
    expect((await admin(`/api/v1/admin/users/${user.id}`, "PATCH", { plan: "pro" })).status).toBe(200);
    await withinOneSecond(async () => ((await (await keyOnB()).json()) as { data: { plan: string; quota_limit: number } }).data.quota_limit === 100_000);

    expect((await admin("/api/v1/admin/plans/pro", "PATCH", { default_rate_limit: 321 })).status).toBe(200);
    await withinOneSecond(async () => ((await (await keyOnB()).json()) as { data: { rate_limit: number } }).data.rate_limit === 321);

    expect((await admin(`/api/v1/admin/users/${user.id}`, "PATCH", { is_active: false })).status).toBe(200);
    await withinOneSecond(async () => (await keyOnB()).status === 403);
    const refused = (await (await keyOnB()).json()) as { error: { message: string } };
    expect(refused.error.message).toBe("Account disabled");
    expect((await admin(`/api/v1/admin/users/${user.id}`, "PATCH", { is_active: true })).status).toBe(200);
    await withinOneSecond(async () => (await keyOnB()).status === 200);
  });

  test("an upstream and a model added on one hub answer on the other within a second", async () => {
    expect((await admin("/api/v1/admin/upstreams", "POST", { name: "live-fake", base_url: upstream.url, api_key: "sk-live-upstream" })).status).toBe(201);
    expect((await admin("/api/v1/admin/models", "POST", { id: "live-model", upstream: "live-fake", upstream_model: "fake-model", input_price: 1, output_price: 2 })).status).toBe(201);
    await withinOneSecond(async () => {
      const models = (await (await call(hubs[1]!.base, "/v1/models", { token: user.key })).json()) as { data: Array<{ id: string }> };
      return models.data.some((m) => m.id === "live-model");
    });
    const chat = await call(hubs[1]!.base, "/v1/chat/completions", { token: user.key, json: { model: "live-model", messages: [{ role: "user", content: "hi" }] } });
    expect(chat.status).toBe(200);
    expect(((await chat.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe("Hello from the fake upstream.");
    expect((await admin("/api/v1/admin/models/live-model", "DELETE")).status).toBe(204);
    await withinOneSecond(async () => (await call(hubs[1]!.base, "/v1/chat/completions", { token: user.key, json: { model: "live-model", messages: [{ role: "user", content: "hi" }] } })).status === 404);
    for (const hub of hubs) expect(await hub.output()).not.toContain("sk-live-upstream");
  });
});
