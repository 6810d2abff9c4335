// registerUser(): a taken email is a refusal value, in any case.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTestHub, type TestHub } from "../testing/harness.ts";
import { registerUser } from "./accounts.ts";

let hub: TestHub;
beforeAll(async () => {
  hub = await createTestHub({ backend: "pglite" });
}, 60_000);
afterAll(() => hub.close());

test("registerUser() creates an account, then refuses the same email in another case with email_taken", async () => {
  const { db } = hub.runtime.deps.database;
  const cost = { memoryCost: 256, timeCost: 1 };
  const first = await registerUser(db, { email: "Taken@example.com", password: "long enough", fullName: "  Ada  " }, cost);
  expect(first.ok && first.user.fullName).toBe("Ada");
  expect(await registerUser(db, { email: "taken@EXAMPLE.com", password: "long enough" }, cost)).toEqual({ ok: false, code: "email_taken" });
});
