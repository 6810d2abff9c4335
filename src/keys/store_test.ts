// The keys store's outcomes: refusals that depend on the user's data come back as values, not HTTP errors.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestHub, registerUser, type TestHub } from "../testing/harness.ts";
import { eq } from "drizzle-orm";
import { apiKeys } from "../db/schema/mod.ts";
import { createApiKey, getApiKey, listApiKeys, revokeApiKey, updateApiKey } from "./store.ts";

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

  const made = async (userId: number, name = "k") => {
    const created = await createApiKey(db(), userId, { name });
    if (!created.ok) throw new Error(created.code);
    return created.key;
  };
  const NOW = new Date("2026-11-20T12:00:00Z");
  const unchanged = { name: "k", description: null, rateLimit: null, expiresOn: null };

  test("getApiKey() and updateApiKey() find only the owner's key", async () => {
    const owner = await registerUser(hub);
    const other = await registerUser(hub);
    const key = await made(owner.user.id);
    expect(await getApiKey(db(), other.user.id, key.id)).toBeNull();
    expect(await updateApiKey(db(), other.user.id, key.id, { ...unchanged, name: "taken" })).toEqual({ ok: false, code: "not_found" });
    expect(await updateApiKey(db(), owner.user.id, 0, unchanged)).toEqual({ ok: false, code: "not_found" });
    expect((await getApiKey(db(), owner.user.id, key.id))!.name).toBe("k");
  });

  test("updateApiKey() sets the expiry at the start of the chosen UTC day, from tomorrow to 3650 days ahead", async () => {
    const { user } = await registerUser(hub);
    const key = await made(user.id);
    const set = await updateApiKey(db(), user.id, key.id, { ...unchanged, expiresOn: "2026-11-21" }, NOW);
    expect(set.ok && set.key.expiresAt?.toISOString()).toBe("2026-11-21T00:00:00.000Z");
    for (const expiresOn of ["2026-11-20", "2036-11-18", "2026-02-30"]) {
      expect(await updateApiKey(db(), user.id, key.id, { ...unchanged, expiresOn }, NOW)).toEqual({ ok: false, code: "expiry_out_of_range", max: "2036-11-17" });
    }
    expect((await updateApiKey(db(), user.id, key.id, { ...unchanged, expiresOn: "2036-11-17" }, NOW)).ok).toBe(true);
  });

  test("updateApiKey() checks the plan's rate-limit ceiling only when the rate limit changes", async () => {
    const { user } = await registerUser(hub);
    const key = await made(user.id);
    expect(await updateApiKey(db(), user.id, key.id, { ...unchanged, rateLimit: 61 })).toEqual({ ok: false, code: "rate_limit_above_plan", ceiling: 60 });
    // A limit kept from a bigger plan stays, and the key can still be renamed.
    await db().update(apiKeys).set({ rateLimit: 600 }).where(eq(apiKeys.id, key.id));
    const renamed = await updateApiKey(db(), user.id, key.id, { ...unchanged, name: "renamed", rateLimit: 600 });
    expect(renamed.ok && [renamed.key.name, renamed.key.rateLimit]).toEqual(["renamed", 600]);
  });

  test("updateApiKey() refuses a revoked key, and brings an expired one back only under the plan's key limit", async () => {
    const { user } = await registerUser(hub);
    const revoked = await made(user.id, "revoked");
    await revokeApiKey(db(), user.id, revoked.id);
    expect(await updateApiKey(db(), user.id, revoked.id, { ...unchanged, name: "again" })).toEqual({ ok: false, code: "key_revoked" });
    const expired = await made(user.id, "expired");
    await db().update(apiKeys).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiKeys.id, expired.id));
    for (let i = 0; i < 5; i++) await made(user.id, `live${i}`);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect(await updateApiKey(db(), user.id, expired.id, { ...unchanged, expiresOn: tomorrow })).toEqual({ ok: false, code: "key_limit_reached", max: 5 });
    // Renaming it without touching the expiry is fine; with a slot free it comes back.
    expect((await updateApiKey(db(), user.id, expired.id, { ...unchanged, name: "still expired", expiresOn: new Date(Date.now() - 1000).toISOString().slice(0, 10) })).ok).toBe(true);
    const live = (await listApiKeys(db(), user.id)).find((k) => k.name === "live0")!;
    await revokeApiKey(db(), user.id, live.id);
    const revived = await updateApiKey(db(), user.id, expired.id, { ...unchanged, expiresOn: tomorrow });
    expect(revived.ok && revived.key.expiresAt!.getTime()).toBeGreaterThan(Date.now());
  });
});
