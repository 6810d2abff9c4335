// The API keys store: create under the plan's limits, list newest first, revoke.
import { and, count, desc, eq, gt, isNull, or } from "drizzle-orm";
import type { Db } from "../db/mod.ts";
import { apiKeys } from "../db/schema/mod.ts";
import { users } from "../db/schema/mod.ts";
import { planOf, rateLimitCeiling } from "../plans/mod.ts";
import { generateApiKey, hashApiKey, keyPrefixOf } from "./api_key.ts";
import type { ApiKeyView } from "./model.ts";

export type ApiKey = typeof apiKeys.$inferSelect;

export interface CreateKeyInput {
  name: string;
  description?: string | null;
  rateLimit?: number | null;
  expiresInDays?: number | null;
  /** REQUIRE_EMAIL_VERIFICATION: refuse until the owner verified their email. */
  requireVerifiedEmail?: boolean;
}

/** True when the key has an expiry in the past. */
export function isExpired(key: { expiresAt: Date | null }, now = new Date()): boolean {
  return key.expiresAt !== null && key.expiresAt.getTime() <= now.getTime();
}

/** The key as the API shows it: never the secret or its hash. */
export function keyView(key: ApiKey): ApiKeyView {
  return {
    id: key.id,
    key_prefix: key.keyPrefix,
    name: key.name,
    description: key.description,
    is_active: key.isActive,
    rate_limit: key.rateLimit,
    total_requests: key.totalRequests,
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
    created_at: key.createdAt.toISOString(),
    expires_at: key.expiresAt?.toISOString() ?? null,
    is_expired: isExpired(key),
  };
}

/** A key creation the data refuses: the input's shape is the schema's job (keys/model.ts), these depend on the user. */
export type CreateKeyRefusal =
  | { ok: false; code: "user_not_found" }
  | { ok: false; code: "email_not_verified" }
  | { ok: false; code: "rate_limit_above_plan"; ceiling: number }
  | { ok: false; code: "key_limit_reached"; max: number };

/**
 * Creates a key, enforcing the plan's active-key limit inside one transaction (the user row is locked
 * so concurrent creates cannot pass the limit together). Returns the row and the secret, shown once.
 */
export async function createApiKey(db: Db, userId: number, input: CreateKeyInput): Promise<{ ok: true; key: ApiKey; secret: string } | CreateKeyRefusal> {
  return await db.transaction(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, userId)).for("update");
    if (!user) return { ok: false, code: "user_not_found" } as const;
    if (input.requireVerifiedEmail && !user.isVerified) return { ok: false, code: "email_not_verified" } as const;
    const ceiling = rateLimitCeiling(user);
    if (input.rateLimit != null && input.rateLimit > ceiling) return { ok: false, code: "rate_limit_above_plan", ceiling } as const;
    const max = planOf(user.plan).maxActiveKeys;
    const [{ active }] = (await tx.select({ active: count() }).from(apiKeys).where(and(
      eq(apiKeys.userId, userId),
      eq(apiKeys.isActive, true),
      or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, new Date())),
    ))) as [{ active: number }];
    if (Number(active) >= max) return { ok: false, code: "key_limit_reached", max } as const;
    const secret = generateApiKey();
    const [key] = await tx.insert(apiKeys).values({
      userId,
      keyHash: hashApiKey(secret),
      keyPrefix: keyPrefixOf(secret),
      name: input.name.trim(),
      description: input.description ?? null,
      rateLimit: input.rateLimit ?? null,
      expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null,
    }).returning();
    return { ok: true, key: key!, secret } as const;
  });
}

/** The user's keys, newest first. */
export async function listApiKeys(db: Db, userId: number): Promise<ApiKey[]> {
  return await db.select().from(apiKeys).where(eq(apiKeys.userId, userId)).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

/** Revokes the user's key; refuses with not_found when no such key belongs to the user. */
export async function revokeApiKey(db: Db, userId: number, keyId: number): Promise<{ ok: true; key: ApiKey } | { ok: false; code: "not_found" }> {
  const rows = await db.update(apiKeys).set({ isActive: false, revokedAt: new Date() })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.userId, userId))).returning();
  return rows[0] ? { ok: true, key: rows[0] } : { ok: false, code: "not_found" };
}

/** The user's key by id, or null when no such key belongs to the user. */
export async function getApiKey(db: Db, userId: number, keyId: number): Promise<ApiKey | null> {
  if (!Number.isSafeInteger(keyId) || keyId <= 0 || keyId > 2 ** 31 - 1) return null;
  const rows = await db.select().from(apiKeys).where(and(eq(apiKeys.id, keyId), eq(apiKeys.userId, userId))).limit(1);
  return rows[0] ?? null;
}

export interface UpdateKeyInput {
  name: string;
  description: string | null;
  rateLimit: number | null;
  /** The UTC date (YYYY-MM-DD) the key stops working, at its start; null for no expiry. */
  expiresOn: string | null;
}

/** A key change the data refuses (the shape is the schema's job, keys/model.ts). */
export type UpdateKeyRefusal =
  | { ok: false; code: "not_found" }
  | { ok: false; code: "key_revoked" }
  | { ok: false; code: "rate_limit_above_plan"; ceiling: number }
  | { ok: false; code: "expiry_out_of_range"; max: string }
  | { ok: false; code: "key_limit_reached"; max: number };

const DAY_MS = 86_400_000;
/** The furthest expiry a key may get: as at creation, 3650 days. */
const MAX_EXPIRY_DAYS = 3650;

/** The UTC date (YYYY-MM-DD) a key's expiry falls on, as the console's date field shows it. */
export function expiryDate(key: { expiresAt: Date | null }): string | null {
  return key.expiresAt ? key.expiresAt.toISOString().slice(0, 10) : null;
}

/**
 * Changes a key's name, description, rate limit and expiry under the same rules as creation: the rate limit within
 * the plan's ceiling (checked only when it changes, so a key kept from a bigger plan can still be renamed), the
 * expiry from tomorrow to 3650 days ahead (an unchanged date keeps the exact expiry), and a key that expired and
 * comes back to life must fit under the plan's active-key limit. A revoked key stays as it is.
 */
export async function updateApiKey(db: Db, userId: number, keyId: number, input: UpdateKeyInput, now = new Date()): Promise<{ ok: true; key: ApiKey } | UpdateKeyRefusal> {
  if (!Number.isSafeInteger(keyId) || keyId <= 0 || keyId > 2 ** 31 - 1) return { ok: false, code: "not_found" };
  return await db.transaction(async (tx) => {
    // The user row first, as createApiKey locks it: a revived key and a new one cannot pass the key limit together.
    const [user] = await tx.select().from(users).where(eq(users.id, userId)).for("update");
    const [key] = await tx.select().from(apiKeys).where(and(eq(apiKeys.id, keyId), eq(apiKeys.userId, userId))).for("update");
    if (!user || !key) return { ok: false, code: "not_found" } as const;
    if (!key.isActive) return { ok: false, code: "key_revoked" } as const;
    const ceiling = rateLimitCeiling(user);
    if (input.rateLimit !== null && input.rateLimit !== key.rateLimit && input.rateLimit > ceiling) return { ok: false, code: "rate_limit_above_plan", ceiling } as const;
    let expiresAt = key.expiresAt;
    if (input.expiresOn !== expiryDate(key)) {
      const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
      const max = new Date(today + MAX_EXPIRY_DAYS * DAY_MS);
      const date = input.expiresOn === null ? null : new Date(`${input.expiresOn}T00:00:00Z`);
      // A date that does not exist (2026-02-30) becomes NaN or rolls over: its text no longer matches.
      if (date && (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== input.expiresOn || date.getTime() <= today || date > max)) {
        return { ok: false, code: "expiry_out_of_range", max: max.toISOString().slice(0, 10) } as const;
      }
      expiresAt = date;
      if (isExpired(key, now) && !isExpired({ expiresAt }, now)) {
        const limit = planOf(user.plan).maxActiveKeys;
        const [{ active }] = (await tx.select({ active: count() }).from(apiKeys).where(and(
          eq(apiKeys.userId, userId),
          eq(apiKeys.isActive, true),
          or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now)),
        ))) as [{ active: number }];
        if (Number(active) >= limit) return { ok: false, code: "key_limit_reached", max: limit } as const;
      }
    }
    const [updated] = await tx.update(apiKeys).set({ name: input.name.trim(), description: input.description, rateLimit: input.rateLimit, expiresAt })
      .where(eq(apiKeys.id, key.id)).returning();
    return { ok: true, key: updated! } as const;
  });
}
