// The accounts API on both backends, with the same assertions.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { users } from "../db/schema/mod.ts";
import { BACKENDS } from "../testing/databases.ts";
import { createKey, createTestHub, registerUser, type TestHub } from "../testing/harness.ts";
import { setUserActive } from "./users.ts";

for (const backend of BACKENDS) {
  describe(`accounts API on ${backend}`, () => {
    let hub: TestHub;
    beforeAll(async () => {
      hub = await createTestHub({ backend });
    }, 60_000);
    afterAll(() => hub.close());

    test("register returns 201 with a bearer token and the contract's user fields", async () => {
      const response = await hub.request("/api/v1/auth/register", { method: "POST", json: { email: `New-${backend}@Example.com`, password: "long enough", full_name: "Ada" } });
      expect(response.status).toBe(201);
      expect(response.headers.get("x-request-id")).toBeTruthy();
      const body = await response.json() as { access_token: string; token_type: string; user: Record<string, unknown> };
      expect(body.token_type).toBe("bearer");
      expect(body.access_token.split(".")).toHaveLength(3);
      expect(Object.keys(body.user).sort()).toEqual(["created_at", "email", "full_name", "id", "is_active", "monthly_quota", "plan", "quota_remaining", "quota_used"].sort());
      expect(body.user).toMatchObject({ email: `new-${backend}@example.com`, full_name: "Ada", plan: "free", monthly_quota: 10000, quota_used: 0, quota_remaining: 10000, is_active: true });
    });

    test("register refuses an email already registered in another case", async () => {
      const { email } = await registerUser(hub);
      const response = await hub.request("/api/v1/auth/register", { method: "POST", json: { email: email.toUpperCase(), password: "another password" } });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ detail: "Email already registered" });
    });

    test("login accepts the email in any case and returns the same shape", async () => {
      const { email, password } = await registerUser(hub);
      const response = await hub.request("/api/v1/auth/login", { method: "POST", json: { email: email.toUpperCase(), password } });
      expect(response.status).toBe(200);
      const body = await response.json() as { access_token: string; user: { email: string } };
      expect(body.user.email).toBe(email);
      const me = await hub.request("/api/v1/auth/me", { token: body.access_token });
      expect(me.status).toBe(200);
    });

    test("login with a wrong password is 401 'Incorrect email or password'", async () => {
      const { email } = await registerUser(hub);
      const wrong = await hub.request("/api/v1/auth/login", { method: "POST", json: { email, password: "not the password" } });
      expect(wrong.status).toBe(401);
      expect(await wrong.json()).toEqual({ detail: "Incorrect email or password" });
      const unknown = await hub.request("/api/v1/auth/login", { method: "POST", json: { email: "nobody-here@example.com", password: "whatever123" } });
      expect(unknown.status).toBe(401);
    });

    test("failed logins are throttled per account with a 429 and Retry-After", async () => {
      const { email, password } = await registerUser(hub);
      for (let i = 0; i < 5; i++) {
        const r = await hub.request("/api/v1/auth/login", { method: "POST", json: { email, password: "wrong password" } });
        expect(r.status).toBe(401);
      }
      const blocked = await hub.request("/api/v1/auth/login", { method: "POST", json: { email, password } });
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(((await blocked.json()) as { detail: string }).detail).toContain("Too many failed login attempts");
    });

    test("failed logins are throttled per client address across accounts", async () => {
      const headers = { "x-forwarded-for": `203.0.113.${backend === "pglite" ? 7 : 8}` };
      for (let i = 0; i < 20; i++) {
        await hub.request("/api/v1/auth/login", { method: "POST", headers, json: { email: `probe${i}@example.com`, password: "guess-guess" } });
      }
      const { email, password } = await registerUser(hub);
      const blocked = await hub.request("/api/v1/auth/login", { method: "POST", headers, json: { email, password } });
      expect(blocked.status).toBe(429);
      const elsewhere = await hub.request("/api/v1/auth/login", { method: "POST", json: { email, password } });
      expect(elsewhere.status).toBe(200);
    });

    test("logout revokes the token", async () => {
      const { token } = await registerUser(hub);
      const out = await hub.request("/api/v1/auth/logout", { method: "POST", token });
      expect(out.status).toBe(200);
      expect(await out.json()).toEqual({ message: "Successfully logged out" });
      const me = await hub.request("/api/v1/auth/me", { token });
      expect(me.status).toBe(401);
    });

    test("tampered, foreign-signed and missing tokens are 401", async () => {
      const { token } = await registerUser(hub);
      const [h, p, s] = token.split(".");
      const payload = JSON.parse(Buffer.from(p!, "base64url").toString());
      const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: "1" })).toString("base64url")}.${s}`;
      // Change a character in the middle of the signature: the last one of base64url may only carry padding bits.
      const i = token.length - 10;
      const tampered = token.slice(0, i) + (token[i] === "A" ? "B" : "A") + token.slice(i + 1);
      for (const bad of [forged, tampered, "not-a-jwt", ""]) {
        const r = await hub.request("/api/v1/auth/me", { headers: { authorization: `Bearer ${bad}` } });
        expect(r.status).toBe(401);
        expect(await r.json()).toHaveProperty("detail");
      }
      expect((await hub.request("/api/v1/auth/me")).status).toBe(401);
    });

    test("the API does not accept the console's session cookie instead of a bearer token", async () => {
      const { token } = await registerUser(hub);
      const r = await hub.request("/api/v1/developer/api-keys", { method: "POST", headers: { cookie: `aihub_session=${token}` }, json: { name: "forged" } });
      expect(r.status).toBe(401);
    });

    test("an expired token is 401", async () => {
      const expiring = await createTestHub({ backend, env: { SESSION_TTL_HOURS: "1" } });
      try {
        const { token } = await registerUser(expiring);
        const { jwt } = await import("@elysiajs/jwt");
        void jwt;
        // Sign the same claims with an expiry in the past using the hub's own secret.
        const [, payload] = token.split(".");
        const claims = JSON.parse(Buffer.from(payload!, "base64url").toString());
        const { SignJWT } = await import("jose");
        const { TEST_JWT_SECRET } = await import("../testing/harness.ts");
        const expired = await new SignJWT({ sub: claims.sub, sid: claims.sid }).setProtectedHeader({ alg: "HS256" }).setExpirationTime(Math.floor(Date.now() / 1000) - 10).sign(new TextEncoder().encode(TEST_JWT_SECRET));
        expect((await expiring.request("/api/v1/auth/me", { token })).status).toBe(200);
        expect((await expiring.request("/api/v1/auth/me", { token: expired })).status).toBe(401);
      } finally {
        await expiring.close();
      }
    });

    test("a disabled user gets 403 on me and cannot log in", async () => {
      const { token, user, email, password } = await registerUser(hub);
      await setUserActive(hub.runtime.deps.database.db, user.id, false);
      const me = await hub.request("/api/v1/auth/me", { token });
      expect(me.status).toBe(403);
      const login = await hub.request("/api/v1/auth/login", { method: "POST", json: { email, password } });
      expect(login.status).toBe(403);
    });

    test("passwords are stored as argon2id hashes", async () => {
      const { user, password } = await registerUser(hub);
      const [row] = await hub.runtime.deps.database.db.select().from(users).where(eq(users.id, user.id));
      expect(row!.passwordHash.startsWith("$argon2id$")).toBe(true);
      expect(row!.passwordHash).not.toContain(password);
    });

    describe("bad input gets a clear 4xx and changes nothing", () => {
      const cases: Array<[string, string | undefined, number, string]> = [
        ["malformed JSON", "{\"email\":", 400, "not valid JSON"],
        ["an empty body", "", 400, "empty"],
        ["a JSON array", "[]", 422, ""],
        ["a missing password", JSON.stringify({ email: "x@example.com" }), 422, "password"],
        ["an extra field", JSON.stringify({ email: "x2@example.com", password: "long enough", admin: true }), 422, "admin"],
        ["a number as email", JSON.stringify({ email: 5, password: "long enough" }), 422, "email"],
        ["an invalid email", JSON.stringify({ email: "not-an-email", password: "long enough" }), 422, "email"],
        ["a short password", JSON.stringify({ email: "x3@example.com", password: "short" }), 422, "password"],
        ["a 10,000-character name", JSON.stringify({ email: "x4@example.com", password: "long enough", full_name: "n".repeat(10_000) }), 422, "full_name"],
        ["a 1,025-character password", JSON.stringify({ email: "x5@example.com", password: "p".repeat(1025) }), 422, "password"],
      ];
      for (const [name, body, status, mentions] of cases) {
        test(`register with ${name} → ${status}`, async () => {
          const r = await hub.request("/api/v1/auth/register", { method: "POST", headers: { "content-type": "application/json" }, body });
          expect(r.status).toBe(status);
          const json = await r.json() as { detail: string };
          expect(typeof json.detail).toBe("string");
          expect(json.detail.toLowerCase()).toContain(mentions.toLowerCase());
        });
      }

      test("a 2 MB body → 413 in the {detail} shape", async () => {
        const r = await hub.request("/api/v1/auth/register", { method: "POST", json: { email: "big@example.com", password: "long enough", full_name: "x".repeat(2 * 1024 * 1024) } });
        expect(r.status).toBe(413);
        expect(((await r.json()) as { detail: string }).detail).toContain("larger than 1 MiB");
      });

      test("SQL and HTML in every text field are stored as plain text", async () => {
        const payload = `'); DROP TABLE users; -- <script>alert(1)</script>`;
        const r = await hub.request("/api/v1/auth/register", { method: "POST", json: { email: `sql-${backend}@example.com`, password: payload, full_name: payload.slice(0, 100) } });
        expect(r.status).toBe(201);
        const body = await r.json() as { user: { full_name: string } };
        expect(body.user.full_name).toBe(payload.slice(0, 100));
        const login = await hub.request("/api/v1/auth/login", { method: "POST", json: { email: `' OR 1=1 --@example.com`, password: payload } });
        expect(login.status).toBe(401);
        const again = await hub.request("/api/v1/auth/login", { method: "POST", json: { email: `sql-${backend}@example.com`, password: payload } });
        expect(again.status).toBe(200);
      });

      test("an SQL payload as email is refused and leaves other users' keys intact", async () => {
        const victim = await registerUser(hub);
        await createKey(hub, victim.token);
        const r = await hub.request("/api/v1/auth/register", { method: "POST", json: { email: "a@b.c'; DELETE FROM api_keys; --", password: "long enough" } });
        expect(r.status).toBe(422);
        const list = await hub.request("/api/v1/developer/api-keys", { token: victim.token });
        expect(((await list.json()) as unknown[]).length).toBe(1);
      });
    });
  });
}
