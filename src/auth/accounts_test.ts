// registerUser(): a taken email and an address over its registrations are refusal values.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTestHub, type TestHub } from "../testing/harness.ts";
import { createMemoryThrottleStore } from "../throttle/mod.ts";
import { registerUser } from "./accounts.ts";

let hub: TestHub;
beforeAll(async () => {
  hub = await createTestHub({ backend: "pglite" });
}, 60_000);
afterAll(() => hub.close());

const cost = { memoryCost: 256, timeCost: 1 };

test("registerUser() creates an account, then refuses the same email in another case with email_taken", async () => {
  const { db } = hub.runtime.deps.database;
  const options = { cost, throttle: createMemoryThrottleStore(), registrationsPerHour: 10 };
  const first = await registerUser(db, { email: "Taken@example.com", password: "long enough", fullName: "  Ada  ", address: "192.0.2.1" }, options);
  expect(first.ok && first.user.fullName).toBe("Ada");
  expect(await registerUser(db, { email: "taken@EXAMPLE.com", password: "long enough", address: "192.0.2.1" }, options)).toEqual({ ok: false, code: "email_taken" });
});

test("registerUser() refuses an address past its registrations per hour, saying when to retry", async () => {
  const { db } = hub.runtime.deps.database;
  const options = { cost, throttle: createMemoryThrottleStore(), registrationsPerHour: 1 };
  expect((await registerUser(db, { email: `one-${Date.now()}@example.com`, password: "long enough", address: "192.0.2.9" }, options)).ok).toBe(true);
  const refused = await registerUser(db, { email: `two-${Date.now()}@example.com`, password: "long enough", address: "192.0.2.9" }, options);
  expect(refused.ok === false && refused.code).toBe("too_many_registrations");
  expect(refused.ok === false && refused.code === "too_many_registrations" && refused.retryAfterSec).toBeGreaterThan(3000);
});
