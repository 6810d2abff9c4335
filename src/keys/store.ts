// The API keys store: create under the plan's limits, list newest first, revoke.
import { and, count, desc, eq, gt, isNull, or } from "drizzle-orm";
import type { Db } from "../db/mod.ts";
import { apiKeys } from "../db/schema/mod.ts";
import { users } from "../db/schema/mod.ts";
import { HttpError } from "../http/errors.ts";
import { CONTROL_CHARACTER_PROBLEM, hasControlCharacters } from "../http/text.ts";
import { planOf, rateLimitCeiling } from "../plans/mod.ts";
import { generateApiKey, hashApiKey, keyPrefixOf } from "./api_key.ts";

export type ApiKey = typeof apiKeys.$inferSelect;

export interface ApiKeyView {
  id: number;
  key_prefix: string;
  name: string;
  description: string | null;
  is_active: boolean;
  rate_limit: number | null;
  total_requests: number;
  last_used_at: string | null;
  created_at: string;
  expires_at: string | null;
  is_expired: boolean;
}

export interface CreateKeyInput {
  name: string;
  description?: string | null;
  rateLimit?: number | null;
  expiresInDays?: number | null;
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

/** Throws 422 naming the field when a key's inputs are out of range for this user. */
export function validateKeyInput(input: CreateKeyInput, user: { plan: string; rateLimitCeiling: number | null }): void {
  const name = input.name.trim();
  if (name.length < 1 || name.length > 100) throw new HttpError("validation", "Cannot create API key: name must be 1–100 characters", { param: "name" });
  if (hasControlCharacters(name)) throw new HttpError("validation", `Cannot create API key: name ${CONTROL_CHARACTER_PROBLEM}`, { param: "name" });
  if ((input.description ?? "").length > 500) throw new HttpError("validation", "Cannot create API key: description must be at most 500 characters", { param: "description" });
  if (hasControlCharacters(input.description ?? "", { multiline: true })) throw new HttpError("validation", `Cannot create API key: description ${CONTROL_CHARACTER_PROBLEM}`, { param: "description" });
  const ceiling = rateLimitCeiling(user);
  if (input.rateLimit != null && (!Number.isInteger(input.rateLimit) || input.rateLimit < 1 || input.rateLimit > ceiling)) {
    throw new HttpError("validation", `Cannot create API key: rate_limit must be an integer from 1 to ${ceiling} (your plan's limit)`, { param: "rate_limit" });
  }
  if (input.expiresInDays != null && (!Number.isInteger(input.expiresInDays) || input.expiresInDays < 1 || input.expiresInDays > 3650)) {
    throw new HttpError("validation", "Cannot create API key: expires_in_days must be an integer from 1 to 3650", { param: "expires_in_days" });
  }
}

/**
 * Creates a key, enforcing the plan's active-key limit inside one transaction (the user row is locked
 * so concurrent creates cannot pass the limit together). Returns the row and the secret, shown once.
 */
export async function createApiKey(db: Db, userId: number, input: CreateKeyInput): Promise<{ key: ApiKey; secret: string }> {
  return await db.transaction(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, userId)).for("update");
    if (!user) throw new HttpError("unauthorized", "User not found");
    validateKeyInput(input, user);
    const max = planOf(user.plan).maxActiveKeys;
    const [{ active }] = (await tx.select({ active: count() }).from(apiKeys).where(and(
      eq(apiKeys.userId, userId),
      eq(apiKeys.isActive, true),
      or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, new Date())),
    ))) as [{ active: number }];
    if (Number(active) >= max) throw new HttpError("forbidden", `Maximum number of API keys (${max}) reached for your plan`);
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
    return { key: key!, secret };
  });
}

/** The user's keys, newest first. */
export async function listApiKeys(db: Db, userId: number): Promise<ApiKey[]> {
  return await db.select().from(apiKeys).where(eq(apiKeys.userId, userId)).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

/** Revokes the user's key; returns null when no such key belongs to the user. */
export async function revokeApiKey(db: Db, userId: number, keyId: number): Promise<ApiKey | null> {
  const rows = await db.update(apiKeys).set({ isActive: false, revokedAt: new Date() })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.userId, userId))).returning();
  return rows[0] ?? null;
}
