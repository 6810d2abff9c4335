// Secrets never reach the logs.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createLogger, redact } from "./log.ts";
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
