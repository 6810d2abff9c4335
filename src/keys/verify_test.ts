// checkKey(): the fixed check order on a key and its owner, with an injected clock.
import { describe, expect, test } from "bun:test";
import { checkKey } from "./verify.ts";

const NOW = Date.UTC(2026, 10, 15, 12);

function row(overrides: { key?: Record<string, unknown>; user?: Record<string, unknown> } = {}) {
  return {
    key: { id: 1, userId: 2, keyHash: "h", keyPrefix: "ai-hub-abcdef", name: "k", description: null, isActive: true, rateLimit: null, totalRequests: 0, lastUsedAt: null, createdAt: new Date(NOW - 1000), expiresAt: null, ...overrides.key },
    user: { id: 2, email: "a@b.co", passwordHash: "x", fullName: null, plan: "pro", isActive: true, monthlyQuota: 100_000, rateLimitCeiling: null, createdAt: new Date(NOW - 1000), updatedAt: new Date(NOW - 1000), ...overrides.user },
  } as never;
}

describe("checkKey()", () => {
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
