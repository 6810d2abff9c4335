// Sessions, password change, account deletion and email-verification gating, on both backends.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { users } from "../db/schema/mod.ts";
import { BACKENDS } from "../testing/databases.ts";
import { createKey, createTestHub, registerUser, type TestHub } from "../testing/harness.ts";

for (const backend of BACKENDS) {
  describe(`account care on ${backend}`, () => {
    let hub: TestHub;
    beforeAll(async () => {
      hub = await createTestHub({ backend });
    }, 60_000);
    afterAll(() => hub.close());

    const login = async (email: string, password: string, userAgent: string) =>
      ((await (await hub.request("/api/v1/auth/login", { method: "POST", headers: { "user-agent": userAgent }, json: { email, password } })).json()) as { access_token: string }).access_token;

    test("sessions are listed with device, address and the current one; a user ends their own, never another's (404)", async () => {
      const { email, password, token } = await registerUser(hub);
      const phone = await login(email, password, "Phone/1.0");
      const listed = await hub.request("/api/v1/auth/sessions", { token });
      const { sessions } = await listed.json() as { sessions: Array<{ id: string; user_agent: string | null; ip: string | null; current: boolean; last_seen_at: string }> };
      expect(sessions).toHaveLength(2);
      expect(sessions.filter((s) => s.current)).toHaveLength(1);
      const other = sessions.find((s) => s.user_agent === "Phone/1.0")!;
      expect(other.ip).toBeTruthy();
      const stranger = await registerUser(hub);
      expect((await hub.request(`/api/v1/auth/sessions/${other.id}`, { method: "DELETE", token: stranger.token })).status).toBe(404);
      expect((await hub.request("/api/v1/auth/me", { token: phone })).status).toBe(200);
      expect((await hub.request(`/api/v1/auth/sessions/${other.id}`, { method: "DELETE", token })).status).toBe(204);
      expect((await hub.request("/api/v1/auth/me", { token: phone })).status).toBe(401);
      expect((await hub.request(`/api/v1/auth/sessions/${other.id}`, { method: "DELETE", token })).status).toBe(404);
      // Found by the fuzz suite: a NUL in the id reached PostgreSQL and answered 500.
      expect((await hub.request("/api/v1/auth/sessions/%00", { method: "DELETE", token })).status).toBe(404);
    });

    test("changing the password needs the current one and ends the other sessions only", async () => {
      const { email, password, token } = await registerUser(hub);
      const other = await login(email, password, "Laptop");
      const wrong = await hub.request("/api/v1/auth/password/change", { method: "POST", token, json: { current_password: "not it at all", new_password: "a new password" } });
      expect(wrong.status).toBe(400);
      const changed = await hub.request("/api/v1/auth/password/change", { method: "POST", token, json: { current_password: password, new_password: "a new password" } });
      expect(changed.status).toBe(200);
      expect((await hub.request("/api/v1/auth/me", { token })).status).toBe(200);
      expect((await hub.request("/api/v1/auth/me", { token: other })).status).toBe(401);
      expect((await hub.request("/api/v1/auth/login", { method: "POST", json: { email, password: "a new password" } })).status).toBe(200);
    });

    test("deleting the account needs the password, revokes its keys at once and erases email and name", async () => {
      const { email, password, token, user } = await registerUser(hub, { full_name: "Grace" });
      const key = await createKey(hub, token);
      expect((await hub.request("/v1/models", { headers: { authorization: `Bearer ${key.key}` } })).status).toBe(200);
      expect((await hub.request("/api/v1/auth/me", { method: "DELETE", token, json: { password: "wrong password" } })).status).toBe(400);
      expect((await hub.request("/api/v1/auth/me", { method: "DELETE", token, json: { password } })).status).toBe(204);
      expect((await hub.request("/v1/models", { headers: { authorization: `Bearer ${key.key}` } })).status).toBe(401);
      expect((await hub.request("/api/v1/auth/me", { token })).status).toBe(401);
      expect((await hub.request("/api/v1/auth/login", { method: "POST", json: { email, password } })).status).toBe(401);
      const { findUserById } = await import("./users.ts");
      const row = await findUserById(hub.runtime.deps.database.db, user.id);
      expect(row?.email).not.toContain(email.split("@")[0]!);
      expect(row?.fullName).toBeNull();
      // The address is free again.
      expect((await hub.request("/api/v1/auth/register", { method: "POST", json: { email, password } })).status).toBe(201);
    });

    test("the last active admin cannot delete their account (409, nothing erased); of two admins deleting at once, one goes", async () => {
      const db = hub.runtime.deps.database.db;
      const solo = await registerUser(hub);
      const key = await createKey(hub, solo.token);
      // Only `solo` is an admin for this test (the database is shared by this process's suites).
      const others = await db.update(users).set({ role: "user" }).where(eq(users.role, "admin")).returning({ id: users.id });
      await db.update(users).set({ role: "admin" }).where(eq(users.id, solo.user.id));
      try {
        const remove = (password: string) => hub.request("/api/v1/auth/me", { method: "DELETE", token: solo.token, json: { password } });
        expect((await remove("wrong password")).status).toBe(400);
        const refused = await remove(solo.password);
        expect(refused.status).toBe(409);
        expect(((await refused.json()) as { detail: string }).detail).toContain("last admin");
        expect((await hub.request("/api/v1/auth/me", { token: solo.token })).status).toBe(200);
        expect((await hub.request("/v1/models", { headers: { authorization: `Bearer ${key.key}` } })).status).toBe(200);
        const second = await registerUser(hub);
        await db.update(users).set({ role: "admin" }).where(eq(users.id, second.user.id));
        // Two admins deleting their accounts at once: one goes, the other is then the last admin and stays.
        const both = await Promise.all([remove(solo.password), hub.request("/api/v1/auth/me", { method: "DELETE", token: second.token, json: { password: second.password } })]);
        expect(both.map((r) => r.status).sort()).toEqual([204, 409]);
        await db.update(users).set({ role: "user" }).where(eq(users.id, second.user.id));
      } finally {
        for (const { id } of others) await db.update(users).set({ role: "admin" }).where(eq(users.id, id));
      }
    });

    test("with REQUIRE_EMAIL_VERIFICATION, key creation is 403 'Email not verified'", async () => {
      const strict = await createTestHub({ backend, env: { REQUIRE_EMAIL_VERIFICATION: "true" } });
      try {
        const { token } = await registerUser(strict);
        const refused = await strict.request("/api/v1/developer/api-keys", { method: "POST", token, json: { name: "k" } });
        expect(refused.status).toBe(403);
        expect(await refused.json()).toEqual({ detail: "Email not verified" });
      } finally {
        await strict.close();
      }
    });
  });
}
