// ADMIN_EMAILS promotes accounts registered later too, and an admin session's idle timeout applies on every route.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { adminSessionActivity, sessions } from "../db/schema/mod.ts";
import { json } from "../testing/admin.ts";
import { changeUser } from "./users.ts";
import { BACKENDS } from "../testing/databases.ts";
import { createTestHub, registerUser, type TestHub } from "../testing/harness.ts";
import { Visitor } from "../testing/console_visitor.ts";

const tag = Date.now().toString(36);

for (const backend of BACKENDS) {
  describe(`admin sessions on ${backend}`, () => {
    let hub: TestHub;
    const boss = `boss-${backend}-${tag}@example.com`;
    const chief = `chief-${backend}-${tag}@example.com`;
    beforeAll(async () => {
      hub = await createTestHub({ backend, env: { ADMIN_EMAILS: `${boss},${chief.toUpperCase()}`, ADMIN_IDLE_MINUTES: "5" } });
    }, 60_000);
    afterAll(() => hub.close());

    /** Makes a session look idle for `minutes`, as if nothing had used it since. */
    async function idle(sessionId: string, minutes: number) {
      const db = hub.runtime.deps.database.db;
      const then = new Date(Date.now() - minutes * 60_000);
      await db.update(sessions).set({ createdAt: then }).where(eq(sessions.id, sessionId));
      await db.update(adminSessionActivity).set({ lastSeenAt: then }).where(eq(adminSessionActivity.sessionId, sessionId));
    }
    /** The session id inside a signed token (its claims are readable base64url). */
    const sessionOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).sid as string;

    test("an account registered after start with an ADMIN_EMAILS address (any case) is an admin; others are not", async () => {
      const admin = await registerUser(hub, { email: boss });
      expect((await json(hub, "/api/v1/admin/users", { token: admin.token })).status).toBe(200);
      const visitor = new Visitor(hub, "198.51.100.40");
      expect((await visitor.register(chief)).status).toBe(303);
      expect((await visitor.send("/admin")).status).toBe(200);
      const user = await registerUser(hub);
      expect((await json(hub, "/api/v1/admin/users", { token: user.token })).status).toBe(403);
    });

    test("an idle admin session must log in again on every route, API and console; a user's session is not cut short", async () => {
      const admin = await registerUser(hub, { email: `x-${boss}` });
      expect((await changeUser(hub.runtime.deps.database.db, admin.user.id, { role: "admin" })).ok).toBe(true);
      expect((await json(hub, "/api/v1/auth/me", { token: admin.token })).status).toBe(200);
      await idle(sessionOf(admin.token), 4);
      expect((await json(hub, "/api/v1/developer/api-keys", { token: admin.token })).status).toBe(200);
      await idle(sessionOf(admin.token), 6);
      const me = await json(hub, "/api/v1/auth/me", { token: admin.token });
      expect(me.status).toBe(401);
      expect(me.body.detail).toContain("Admin session expired after 5 minutes");
      // Ended, not only refused: the session is revoked.
      expect((await json(hub, "/api/v1/developer/api-keys", { token: admin.token })).status).toBe(401);

      const visitor = new Visitor(hub, "198.51.100.41");
      await visitor.open("/login");
      expect((await visitor.post("/login", { email: chief, password: "console-password-1" })).status).toBe(303);
      expect((await visitor.send("/dashboard")).status).toBe(200);
      await idle(sessionOf(visitor.cookies.get("aihub_session")!), 6);
      const page = await visitor.send("/dashboard");
      expect(page.status).toBe(303);
      expect(page.headers.get("location")).toBe("/login");
      expect(visitor.cookies.has("aihub_session")).toBe(false);

      const user = await registerUser(hub);
      await idle(sessionOf(user.token), 600);
      expect((await json(hub, "/api/v1/auth/me", { token: user.token })).status).toBe(200);
    });
  });
}
