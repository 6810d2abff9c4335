// /health and /ready: readiness fails at once when a shutdown begins, while liveness and calls go on.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTestHub, type TestHub } from "../testing/harness.ts";

let hub: TestHub;
beforeAll(async () => {
  hub = await createTestHub({ backend: "pglite" });
}, 60_000);
afterAll(() => hub.close());

test("a draining hub answers /ready 503 {status: draining} but stays alive and keeps serving", async () => {
  expect((await hub.request("/ready")).status).toBe(200);
  hub.runtime.beginDrain();
  const ready = await hub.request("/ready");
  expect(ready.status).toBe(503);
  expect(await ready.json()).toEqual({ status: "draining", checks: {} });
  expect((await hub.request("/health")).status).toBe(200);
  expect((await hub.request("/api/v1/auth/login", { method: "POST", json: { email: "nobody@example.com", password: "not the password" } })).status).toBe(401);
});
