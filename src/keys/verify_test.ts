// createKeyVerifier(): the cache, refresh ahead of expiry driven by an injected clock, and checkKey's order.
import { describe, expect, test } from "bun:test";
import type { Db } from "../db/mod.ts";
import { generateApiKey, hashApiKey } from "./api_key.ts";
import { checkKey, createKeyVerifier } from "./verify.ts";

type Row = Parameters<typeof checkKey>[0];

function rowFor(secret: string, overrides: { isActive?: boolean; userActive?: boolean; expiresAt?: Date | null } = {}): Row {
  return {
    key: { id: 1, userId: 7, keyHash: hashApiKey(secret), keyPrefix: secret.slice(0, 13), name: "k", description: null, isActive: overrides.isActive ?? true, rateLimit: null, totalRequests: 0, lastUsedAt: null, createdAt: new Date(0), expiresAt: overrides.expiresAt ?? null, revokedAt: null },
    user: { id: 7, email: "a@example.com", passwordHash: "", fullName: null, plan: "free", monthlyQuota: 10_000, rateLimitCeiling: null, isActive: overrides.userActive ?? true, isVerified: true, role: "user", lang: "zh-CN", deletedAt: null, createdAt: new Date(0), updatedAt: new Date(0) },
  };
}

/** A verifier over an in-memory table, counting the loads that reach it, on a clock the test moves. */
function setup(ttlMs = 5_000) {
  const clock = { t: 1_000_000 };
  const table = new Map<string, Row>();
  const loads: string[][] = [];
  const verifier = createKeyVerifier(null as unknown as Db, {
    ttlMs,
    now: () => clock.t,
    refreshEveryMs: 0,
    loadRows: async (hashes) => {
      loads.push(hashes);
      return hashes.flatMap((h) => (table.has(h) ? [table.get(h)!] : []));
    },
  });
  return { clock, table, loads, verifier };
}

describe("createKeyVerifier()", () => {
  test("a cached key is verified without a load until its entry expires", async () => {
    const { clock, table, loads, verifier } = setup();
    const secret = generateApiKey();
    table.set(hashApiKey(secret), rowFor(secret));
    expect((await verifier.verify(secret)).valid).toBe(true);
    clock.t += 4_000;
    expect((await verifier.verify(secret)).valid).toBe(true);
    expect(loads).toHaveLength(1);
    clock.t += 1_000;
    await verifier.verify(secret);
    expect(loads).toHaveLength(2);
  });

  test("refresh() reloads a key in use past half its entry's life, so the request after expiry does not wait for a load", async () => {
    const { clock, table, loads, verifier } = setup();
    const secret = generateApiKey();
    table.set(hashApiKey(secret), rowFor(secret));
    await verifier.verify(secret);
    clock.t += 2_000;
    await verifier.refresh();
    expect(loads).toHaveLength(1); // not yet due
    clock.t += 1_000;
    table.set(hashApiKey(secret), rowFor(secret, { isActive: false }));
    await verifier.refresh();
    expect(loads).toHaveLength(2);
    clock.t += 4_000; // past the first entry's expiry, within the refreshed one's
    expect(await verifier.verify(secret)).toEqual({ valid: false, code: "REVOKED" });
    expect(loads).toHaveLength(2);
  });

  test("refresh() reloads every due key in one load and leaves idle keys to expire", async () => {
    const { clock, table, loads, verifier } = setup();
    const [a, b] = [generateApiKey(), generateApiKey()];
    for (const s of [a, b]) table.set(hashApiKey(s), rowFor(s));
    await verifier.verify(a);
    await verifier.verify(b);
    clock.t += 3_000;
    await verifier.refresh();
    expect(loads.at(-1)!.sort()).toEqual([hashApiKey(a), hashApiKey(b)].sort());
    // Nobody presents them for 20 minutes: no more refreshes, and the request after that loads again.
    const before = loads.length;
    for (let i = 0; i < 20 * 60 / 3; i++) {
      clock.t += 3_000;
      await verifier.refresh();
    }
    expect(loads.length - before).toBeLessThan(20 * 60 / 3);
    await verifier.verify(a);
    expect(loads.at(-1)).toEqual([hashApiKey(a)]);
  });

  test("invalidate() drops the entry, and a refresh that raced it is not cached", async () => {
    const { clock, table, loads, verifier } = setup();
    const secret = generateApiKey();
    table.set(hashApiKey(secret), rowFor(secret));
    await verifier.verify(secret);
    clock.t += 3_000;
    const racing = verifier.refresh();
    verifier.invalidate({ keyHash: hashApiKey(secret) });
    table.set(hashApiKey(secret), rowFor(secret, { isActive: false }));
    await racing;
    expect(await verifier.verify(secret)).toEqual({ valid: false, code: "REVOKED" });
    expect(loads).toHaveLength(3);
  });

  test("concurrent first requests for a key share one load; an unknown key is NOT_FOUND", async () => {
    const { table, loads, verifier } = setup();
    const secret = generateApiKey();
    table.set(hashApiKey(secret), rowFor(secret));
    const verdicts = await Promise.all([1, 2, 3].map(() => verifier.verify(secret)));
    expect(verdicts.every((v) => v.valid)).toBe(true);
    expect(loads).toHaveLength(1);
    expect(await verifier.verify(generateApiKey())).toEqual({ valid: false, code: "NOT_FOUND" });
    expect(await verifier.verify("not-a-key")).toEqual({ valid: false, code: "NOT_FOUND" });
  });
});

describe("checkKey()", () => {
  test("checks active → not expired → owner active, in that order", () => {
    const secret = generateApiKey();
    const hash = hashApiKey(secret);
    const past = new Date(1_000);
    expect(checkKey(rowFor(secret, { isActive: false, expiresAt: past, userActive: false }), hash, 2_000)).toEqual({ valid: false, code: "REVOKED" });
    expect(checkKey(rowFor(secret, { expiresAt: past, userActive: false }), hash, 2_000)).toEqual({ valid: false, code: "EXPIRED" });
    expect(checkKey(rowFor(secret, { userActive: false }), hash, 2_000)).toEqual({ valid: false, code: "USER_DISABLED" });
    const ok = checkKey(rowFor(secret), hash, 2_000);
    expect(ok.valid && ok.key.rateLimit).toBe(60);
  });
});

const NOW = Date.UTC(2026, 10, 15, 12);

function row(overrides: { key?: Record<string, unknown>; user?: Record<string, unknown> } = {}) {
  return {
    key: { id: 1, userId: 2, keyHash: "h", keyPrefix: "ai-hub-abcdef", name: "k", description: null, isActive: true, rateLimit: null, totalRequests: 0, lastUsedAt: null, createdAt: new Date(NOW - 1000), expiresAt: null, ...overrides.key },
    user: { id: 2, email: "a@b.co", passwordHash: "x", fullName: null, plan: "pro", isActive: true, monthlyQuota: 100_000, rateLimitCeiling: null, createdAt: new Date(NOW - 1000), updatedAt: new Date(NOW - 1000), ...overrides.user },
  } as never;
}

describe("checkKey() with an injected clock", () => {
  test("a revoked key is refused before anything else is looked at", () => {
    expect(checkKey(row({ key: { isActive: false, expiresAt: new Date(NOW - 1) }, user: { isActive: false } }), "h", NOW)).toEqual({ valid: false, code: "REVOKED" });
  });

  test("an expired key is refused at its expiry instant, not a millisecond later", () => {
    expect(checkKey(row({ key: { expiresAt: new Date(NOW) } }), "h", NOW)).toEqual({ valid: false, code: "EXPIRED" });
    expect(checkKey(row({ key: { expiresAt: new Date(NOW + 1) } }), "h", NOW).valid).toBe(true);
  });

  test("a key of a disabled account is refused", () => {
    expect(checkKey(row({ user: { isActive: false } }), "h", NOW)).toEqual({ valid: false, code: "USER_DISABLED" });
  });

  test("a key's rate limit is its own, capped by the owner's ceiling; null means the plan default", () => {
    const ok = (r: ReturnType<typeof checkKey>) => (r.valid ? r.key : null);
    expect(ok(checkKey(row(), "h", NOW))?.rateLimit).toBe(600);
    expect(ok(checkKey(row({ key: { rateLimit: 30 } }), "h", NOW))?.rateLimit).toBe(30);
    expect(ok(checkKey(row({ key: { rateLimit: 5000 } }), "h", NOW))?.rateLimit).toBe(600);
    expect(ok(checkKey(row({ key: { rateLimit: 5000 }, user: { rateLimitCeiling: 10_000 } }), "h", NOW))?.rateLimit).toBe(5000);
    expect(ok(checkKey(row(), "h", NOW))?.quotaLimit).toBe(100_000);
  });
});
