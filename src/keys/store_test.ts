// The keys store's outcomes: refusals that depend on the user's data come back as values, not HTTP errors.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestHub, registerUser, type TestHub } from "../testing/harness.ts";
import { createApiKey, listApiKeys, revokeApiKey } from "./store.ts";

describe("the keys store", () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ backend: "pglite" });
  }, 60_000);
  afterAll(() => hub.close());
  const db = () => hub.runtime.deps.database.db;

  test("createApiKey() refuses a rate_limit above the plan's ceiling, naming the ceiling, and creates nothing", async () => {
    const { user } = await registerUser(hub);
    expect(await createApiKey(db(), user.id, { name: "fast", rateLimit: 61 })).toEqual({ ok: false, code: "rate_limit_above_plan", ceiling: 60 });
    expect(await listApiKeys(db(), user.id)).toHaveLength(0);
  });

  test("createApiKey() refuses the key past the plan's limit with key_limit_reached", async () => {
    const { user } = await registerUser(hub);
    for (let i = 0; i < 5; i++) expect((await createApiKey(db(), user.id, { name: `k${i}` })).ok).toBe(true);
    expect(await createApiKey(db(), user.id, { name: "k5" })).toEqual({ ok: false, code: "key_limit_reached", max: 5 });
  });

  test("createApiKey() refuses an unknown user with user_not_found", async () => {
    expect(await createApiKey(db(), 2_000_000_000, { name: "ghost" })).toEqual({ ok: false, code: "user_not_found" });
  });

  test("revokeApiKey() revokes the owner's key and refuses anyone else's with not_found", async () => {
    const owner = await registerUser(hub);
    const other = await registerUser(hub);
    const created = await createApiKey(db(), owner.user.id, { name: "mine" });
    if (!created.ok) throw new Error(created.code);
    expect(await revokeApiKey(db(), other.user.id, created.key.id)).toEqual({ ok: false, code: "not_found" });
    const revoked = await revokeApiKey(db(), owner.user.id, created.key.id);
    expect(revoked.ok && revoked.key.isActive).toBe(false);
  });
});
