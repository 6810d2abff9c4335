// The accounts API on both backends, with the same assertions.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { users } from "../db/schema/mod.ts";
import { BACKENDS } from "../testing/databases.ts";
import { createKey, createTestHub, registerUser, type TestHub } from "../testing/harness.ts";
import { setUserActive } from "./users.ts";

let addressCount = 0;
/** A client address no other test uses. */
const freshAddress = () => `198.51.${100 + Math.floor(addressCount / 250)}.${addressCount++ % 250}`;

function login(hub: TestHub, email: string, password: string, address: string): Promise<Response> {
  return hub.request("/api/v1/auth/login", { method: "POST", headers: { "x-forwarded-for": address }, json: { email, password } });
}

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
      expect(Object.keys(body.user).sort()).toEqual(["created_at", "email", "email_verified", "full_name", "id", "is_active", "monthly_quota", "plan", "quota_remaining", "quota_used"].sort());
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

for (const backend of BACKENDS) {
  for (const redis of [false, true]) {
    describe(`login throttling on ${backend} with ${redis ? "Redis" : "in-process"} limits`, () => {
      let hub: TestHub;
      beforeAll(async () => {
        hub = await createTestHub({ backend, redis });
      }, 60_000);
      afterAll(() => hub.close());

      test("200 concurrent wrong passwords from one address: 5 are checked (401), the rest 429; the right one then waits there", async () => {
        const { email, password } = await registerUser(hub);
        const address = freshAddress();
        const statuses = (await Promise.all(Array.from({ length: 200 }, () => login(hub, email, "wrong password", address)))).map((r) => r.status);
        expect(statuses.filter((s) => s === 401)).toHaveLength(5);
        expect(statuses.filter((s) => s === 429)).toHaveLength(195);
        const blocked = await login(hub, email, password, address);
        expect(blocked.status).toBe(429);
        expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
        expect(((await blocked.json()) as { detail: string }).detail).toContain("Too many failed login attempts");
        // Five failures from one address do not lock the account elsewhere.
        expect((await login(hub, email, password, freshAddress())).status).toBe(200);
      });

      test("failures from many addresses delay strangers, never the user's known device", async () => {
        const { email, password } = await registerUser(hub);
        const home = freshAddress();
        expect((await login(hub, email, password, home)).status).toBe(200);
        for (const address of [freshAddress(), freshAddress()]) {
          for (let i = 0; i < 5; i++) expect((await login(hub, email, "wrong password", address)).status).toBe(401);
        }
        // Ten failures: a further attempt from an unknown address waits, even with the right password.
        expect((await login(hub, email, "wrong password", freshAddress())).status).toBe(429);
        const stranger = freshAddress();
        const delayed = await login(hub, email, password, stranger);
        expect(delayed.status).toBe(429);
        expect(Number(delayed.headers.get("retry-after"))).toBe(1);
        expect((await login(hub, email, password, home)).status).toBe(200);
        // A delay, not a lock.
        await Bun.sleep(1_100);
        expect((await login(hub, email, password, stranger)).status).toBe(200);
      });

      test("a shared address failing for 20 accounts does not block another account; 50 distinct accounts do, except known devices", async () => {
        const nat = freshAddress();
        const colleague = await registerUser(hub);
        expect((await login(hub, colleague.email, colleague.password, nat)).status).toBe(200);
        const probe = (i: number) => login(hub, `nat-probe-${i}-${nat}@example.com`, "guess-guess", nat);
        for (let i = 0; i < 20; i++) expect((await probe(i)).status).toBe(401);
        const next = await registerUser(hub);
        expect((await login(hub, next.email, next.password, nat)).status).toBe(200);
        for (let i = 20; i < 50; i++) expect((await probe(i)).status).toBe(401);
        const late = await registerUser(hub);
        expect((await login(hub, late.email, late.password, nat)).status).toBe(429);
        expect((await login(hub, colleague.email, colleague.password, nat)).status).toBe(200);
        expect((await login(hub, late.email, late.password, freshAddress())).status).toBe(200);
      });

      test("a correct login gives its attempt back: logging in again and again is never throttled", async () => {
        const { email, password } = await registerUser(hub);
        const address = freshAddress();
        for (let i = 0; i < 4; i++) expect((await login(hub, email, "wrong password", address)).status).toBe(401);
        for (let i = 0; i < 8; i++) expect((await login(hub, email, password, address)).status).toBe(200);
        expect((await login(hub, email, "wrong password", address)).status).toBe(401);
        expect((await login(hub, email, "wrong password", address)).status).toBe(429);
      });
    });
  }

  describe(`registration throttling on ${backend}`, () => {
    let hub: TestHub;
    beforeAll(async () => {
      hub = await createTestHub({ backend, env: { REGISTRATIONS_PER_HOUR_PER_ADDRESS: "3" } });
    }, 60_000);
    afterAll(() => hub.close());

    test("an address gets REGISTRATIONS_PER_HOUR_PER_ADDRESS attempts an hour, then 429 with Retry-After", async () => {
      const address = freshAddress();
      const register = (email: string, password = "long enough") =>
        hub.request("/api/v1/auth/register", { method: "POST", headers: { "x-forwarded-for": address }, json: { email, password } });
      // Refused input is not counted.
      expect((await register(`short-${address}@example.com`, "short")).status).toBe(422);
      for (let i = 0; i < 3; i++) expect((await register(`reg-${i}-${address}@example.com`)).status).toBe(201);
      const refused = await register(`reg-3-${address}@example.com`);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(3500);
      expect(((await refused.json()) as { detail: string }).detail).toContain("Too many registrations");
      const elsewhere = await hub.request("/api/v1/auth/register", { method: "POST", headers: { "x-forwarded-for": freshAddress() }, json: { email: `reg-3-${address}@example.com`, password: "long enough" } });
      expect(elsewhere.status).toBe(201);
    });
  });
}
