// Secrets never reach the logs.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { DrizzleQueryError } from "drizzle-orm/errors";
import { createLogger, redact } from "./log.ts";
import { BACKENDS, testDatabase } from "./testing/databases.ts";
import { createKey, createTestHub, registerUser, type TestHub } from "./testing/harness.ts";

describe("redact()", () => {
  test("masks API keys, JWTs, bearer headers and secret-named fields", () => {
    const key = "ai-hub-" + "a".repeat(43);
    const out = JSON.stringify(redact({ msg: `called with ${key}`, password: "hunter22", nested: { authorization: "Bearer xyz", note: "eyJa.eyJb.c" } }));
    expect(out).not.toContain(key);
    expect(out).not.toContain("hunter22");
    expect(out).not.toContain("xyz");
    expect(out).toContain("[redacted]");
  });

  test("the logger drops lines below its level", () => {
    const lines: string[] = [];
    const log = createLogger("warn", (l) => lines.push(l));
    log.info("quiet");
    log.warn("loud", { n: 1 });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "warn", msg: "loud", n: 1 });
  });
});

describe("a register → create key → list flow", () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ backend: "pglite" });
  }, 60_000);
  afterAll(() => hub.close());

  test("leaves no password, token or key secret in the logs or the list", async () => {
    const password = "very-secret-password-123";
    const { token } = await registerUser(hub, { password });
    const key = await createKey(hub, token);
    const list = await (await hub.request("/api/v1/developer/api-keys", { token })).text();
    // A failing request too: errors are logged, secrets must still not be.
    await hub.request("/api/v1/auth/login", { method: "POST", json: { email: "x@example.com", password } });
    const logs = hub.logs.join("\n");
    for (const secret of [password, token, key.key]) expect(logs).not.toContain(secret);
    expect(list).not.toContain(key.key);
  });
});

describe("failed queries in the logs", () => {
  const SECRET_PARAM = "$argon2id$v=19$m=65536,t=2,p=1$c2VjcmV0LXNhbHQ$not-a-real-hash-but-secret";

  for (const backend of BACKENDS) {
    test(`a failed query on ${backend} logs its first words and code, never its parameters`, async () => {
      const { db } = await testDatabase(backend);
      const failure = await db.execute(sql`select ${SECRET_PARAM}::int as n, ${"session-id-0123456789"}::uuid as s`).then(() => null, (error: unknown) => error);
      expect(failure).toBeInstanceOf(Error);
      const lines: string[] = [];
      createLogger("debug", (line) => lines.push(line)).error("usage write failed", { error: failure });
      expect(lines[0]).not.toContain("not-a-real-hash");
      expect(lines[0]).not.toContain("session-id-0123456789");
      const entry = JSON.parse(lines[0]!) as { error: { query: string; code: string | null } };
      expect(entry.error.query).toStartWith("select");
      expect(entry.error.code).toBe("22P02");
    });
  }

  test("a DrizzleQueryError's message, which repeats the parameters, is not logged", () => {
    const error = new DrizzleQueryError(`insert into "sessions" ("id", "user_id") values ($1, $2)`, ["0191f5c2-secret-session", 7], Object.assign(new Error(`duplicate key value violates unique constraint "sessions_pkey"`), { code: "23505" }));
    const out = JSON.stringify(redact({ error }));
    expect(out).not.toContain("0191f5c2-secret-session");
    expect(JSON.parse(out).error).toMatchObject({ name: "DrizzleQueryError", query: `insert into "sessions" ("id", "user_id") values`, code: "23505" });
  });
});
