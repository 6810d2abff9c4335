// The API keys API on both backends, with the same assertions.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { apiKeys } from "../db/schema/mod.ts";
import { BACKENDS } from "../testing/databases.ts";
import { createKey, createTestHub, registerUser, type TestHub } from "../testing/harness.ts";
import { setUserPlan } from "../auth/mod.ts";
import { hashApiKey } from "./api_key.ts";

const KEY_FIELDS = ["created_at", "description", "expires_at", "id", "is_active", "is_expired", "key_prefix", "last_used_at", "name", "rate_limit", "total_requests"].sort();

for (const backend of BACKENDS) {
  describe(`API keys API on ${backend}`, () => {
    let hub: TestHub;
    beforeAll(async () => {
      hub = await createTestHub({ backend });
    }, 60_000);
    afterAll(() => hub.close());

    test("create returns 201 with the secret once, in the documented format", async () => {
      const { token } = await registerUser(hub);
      const r = await hub.request("/api/v1/developer/api-keys", { method: "POST", token, json: { name: "prod", description: "backend", rate_limit: 30, expires_in_days: 30 } });
      expect(r.status).toBe(201);
      const body = await r.json() as Record<string, unknown> & { key: string; key_prefix: string; expires_at: string };
      expect(body.key).toMatch(/^ai-hub-[A-Za-z0-9_-]{43}$/);
      expect(body.key_prefix).toBe(body.key.slice(0, 13));
      expect(Object.keys(body).sort()).toEqual([...KEY_FIELDS, "key"].sort());
      expect(body).toMatchObject({ name: "prod", description: "backend", rate_limit: 30, is_active: true, total_requests: 0, is_expired: false, last_used_at: null });
      const days = (new Date(body.expires_at).getTime() - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(29.9);
      expect(days).toBeLessThan(30.1);
      const [row] = await hub.runtime.deps.database.db.select().from(apiKeys).where(eq(apiKeys.id, body.id as number));
      expect(row!.keyHash).toBe(hashApiKey(body.key));
      expect(JSON.stringify(row)).not.toContain(body.key);
    });

    test("list is newest first and never contains the secret or its hash", async () => {
      const { token } = await registerUser(hub);
      const first = await createKey(hub, token, { name: "first" });
      const second = await createKey(hub, token, { name: "second" });
      const r = await hub.request("/api/v1/developer/api-keys", { token });
      expect(r.status).toBe(200);
      const text = await r.text();
      expect(text).not.toContain(first.key);
      expect(text).not.toContain(second.key);
      expect(text).not.toContain(hashApiKey(first.key));
      const list = JSON.parse(text) as Array<Record<string, unknown>>;
      expect(list.map((k) => k.name)).toEqual(["second", "first"]);
      expect(Object.keys(list[0]!).sort()).toEqual(KEY_FIELDS);
    });

    test("revoke returns 204 and the key stays listed as inactive", async () => {
      const { token } = await registerUser(hub);
      const key = await createKey(hub, token);
      const r = await hub.request(`/api/v1/developer/api-keys/${key.id}`, { method: "DELETE", token });
      expect(r.status).toBe(204);
      const list = await (await hub.request("/api/v1/developer/api-keys", { token })).json() as Array<{ id: number; is_active: boolean }>;
      expect(list.find((k) => k.id === key.id)!.is_active).toBe(false);
      const verdict = await hub.runtime.deps.keys.verify(key.key);
      expect(verdict).toEqual({ valid: false, code: "REVOKED" });
    });

    test("user A can neither list nor revoke user B's keys", async () => {
      const a = await registerUser(hub);
      const b = await registerUser(hub);
      const bKey = await createKey(hub, b.token, { name: "b's key" });
      const listA = await (await hub.request("/api/v1/developer/api-keys", { token: a.token })).json() as unknown[];
      expect(listA).toEqual([]);
      const revoke = await hub.request(`/api/v1/developer/api-keys/${bKey.id}`, { method: "DELETE", token: a.token });
      expect(revoke.status).toBe(404);
      expect(await revoke.json()).toEqual({ detail: "API key not found" });
      const listB = await (await hub.request("/api/v1/developer/api-keys", { token: b.token })).json() as Array<{ is_active: boolean }>;
      expect(listB[0]!.is_active).toBe(true);
    });

    test("revoking a key that does not exist, or a malformed id, is 404", async () => {
      const { token } = await registerUser(hub);
      for (const id of ["999999", "abc", "-1", "1e3"]) {
        const r = await hub.request(`/api/v1/developer/api-keys/${id}`, { method: "DELETE", token });
        expect(r.status).toBe(404);
      }
    });

    test("the free plan allows 5 active keys; a revoked key frees a slot", async () => {
      const { token } = await registerUser(hub);
      const keys = [];
      for (let i = 0; i < 5; i++) keys.push(await createKey(hub, token, { name: `k${i}` }));
      const sixth = await hub.request("/api/v1/developer/api-keys", { method: "POST", token, json: { name: "k6" } });
      expect(sixth.status).toBe(403);
      expect(await sixth.json()).toEqual({ detail: "Maximum number of API keys (5) reached for your plan" });
      await hub.request(`/api/v1/developer/api-keys/${keys[0]!.id}`, { method: "DELETE", token });
      expect((await hub.request("/api/v1/developer/api-keys", { method: "POST", token, json: { name: "k6" } })).status).toBe(201);
    });

    test("concurrent creates cannot pass the plan's key limit", async () => {
      const { token } = await registerUser(hub);
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => hub.request("/api/v1/developer/api-keys", { method: "POST", token, json: { name: `c${i}` } })));
      expect(results.filter((r) => r.status === 201)).toHaveLength(5);
      expect(results.filter((r) => r.status === 403)).toHaveLength(7);
    });

    test("pro users get 20 keys", async () => {
      const { token, user } = await registerUser(hub);
      await setUserPlan(hub.runtime.deps.database.db, user.id, "pro");
      for (let i = 0; i < 20; i++) await createKey(hub, token, { name: `p${i}` });
      expect((await hub.request("/api/v1/developer/api-keys", { method: "POST", token, json: { name: "p21" } })).status).toBe(403);
    });

    test("rate_limit may be lower than the plan's default but never higher", async () => {
      const { token } = await registerUser(hub);
      expect((await hub.request("/api/v1/developer/api-keys", { method: "POST", token, json: { name: "ok", rate_limit: 60 } })).status).toBe(201);
      const high = await hub.request("/api/v1/developer/api-keys", { method: "POST", token, json: { name: "high", rate_limit: 61 } });
      expect(high.status).toBe(422);
      expect(((await high.json()) as { detail: string }).detail).toContain("rate_limit must be an integer from 1 to 60");
    });

    test("an expired key is listed as expired and verifies as EXPIRED", async () => {
      const { token } = await registerUser(hub);
      const key = await createKey(hub, token, { expires_in_days: 1 });
      await hub.runtime.deps.database.db.update(apiKeys).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiKeys.id, key.id));
      hub.runtime.deps.keys.invalidate({ keyHash: hashApiKey(key.key) });
      const list = await (await hub.request("/api/v1/developer/api-keys", { token })).json() as Array<{ is_expired: boolean }>;
      expect(list[0]!.is_expired).toBe(true);
      expect(await hub.runtime.deps.keys.verify(key.key)).toEqual({ valid: false, code: "EXPIRED" });
    });

    test("keys routes need account auth: missing, invalid and API-key tokens are 401", async () => {
      const { token } = await registerUser(hub);
      const key = await createKey(hub, token);
      for (const t of [undefined, "garbage", key.key]) {
        const r = await hub.request("/api/v1/developer/api-keys", { token: t });
        expect(r.status).toBe(401);
      }
    });

    const bad: Array<[string, unknown, number, string]> = [
      ["no name", { description: "x" }, 422, "name"],
      ["an empty name", { name: "" }, 422, "name"],
      ["a 10,000-character name", { name: "n".repeat(10_000) }, 422, "name"],
      ["a 501-character description", { name: "x", description: "d".repeat(501) }, 422, "description"],
      ["a string rate_limit", { name: "x", rate_limit: "fast" }, 422, "rate_limit"],
      ["a rate_limit that is a numeric string", { name: "x", rate_limit: "5" }, 422, "rate_limit"],
      ["an expiry that is a numeric string", { name: "x", expires_in_days: "7" }, 422, "expires_in_days"],
      ["a zero rate_limit", { name: "x", rate_limit: 0 }, 422, "rate_limit"],
      ["a fractional expiry", { name: "x", expires_in_days: 1.5 }, 422, "expires_in_days"],
      ["an extra field", { name: "x", owner_id: 1 }, 422, "owner_id"],
    ];
    for (const [label, body, status, field] of bad) {
      test(`create with ${label} → ${status} naming '${field}', and no key is created`, async () => {
        const { token } = await registerUser(hub);
        const r = await hub.request("/api/v1/developer/api-keys", { method: "POST", token, json: body });
        expect(r.status).toBe(status);
        expect(((await r.json()) as { detail: string }).detail).toContain(field);
        const list = await (await hub.request("/api/v1/developer/api-keys", { token })).json() as unknown[];
        expect(list).toHaveLength(0);
      });
    }

    test("HTML and SQL in name and description are kept verbatim", async () => {
      const { token } = await registerUser(hub);
      const name = `<img src=x onerror=alert(1)>'; DROP TABLE api_keys;--`;
      const key = await createKey(hub, token, { name, description: name });
      const list = await (await hub.request("/api/v1/developer/api-keys", { token })).json() as Array<{ id: number; name: string; description: string }>;
      expect(list[0]).toMatchObject({ id: key.id, name, description: name });
    });
  });
}
