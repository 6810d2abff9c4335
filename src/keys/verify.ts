// Verifies a presented API key in a fixed order, from an in-memory cache so the hot path does no database I/O.
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/mod.ts";
import { apiKeys, users } from "../db/schema/mod.ts";
import { rateLimitCeiling } from "../plans/mod.ts";
import { hashApiKey, looksLikeApiKey } from "./api_key.ts";

/** What the developer API needs to know about a key and its owner. */
export interface VerifiedKey {
  keyId: number;
  keyHash: string;
  keyPrefix: string;
  name: string;
  userId: number;
  plan: string;
  /** Requests per minute for this key: its own limit, else the owner's ceiling. */
  rateLimit: number;
  quotaLimit: number;
  expiresAt: Date | null;
}

export type VerifyResult =
  | { valid: true; key: VerifiedKey }
  | { valid: false; code: "NOT_FOUND" | "REVOKED" | "EXPIRED" | "USER_DISABLED" };

type KeyRowWithOwner = { key: typeof apiKeys.$inferSelect; user: typeof users.$inferSelect };

/** Applies the fixed check order to a key and its owner: active → not expired → owner active. */
export function checkKey(row: KeyRowWithOwner, keyHash: string, now: number = Date.now()): VerifyResult {
  if (!row.key.isActive) return { valid: false, code: "REVOKED" };
  if (row.key.expiresAt && row.key.expiresAt.getTime() <= now) return { valid: false, code: "EXPIRED" };
  if (!row.user.isActive) return { valid: false, code: "USER_DISABLED" };
  const ceiling = rateLimitCeiling(row.user);
  return {
    valid: true,
    key: {
      keyId: row.key.id,
      keyHash,
      keyPrefix: row.key.keyPrefix,
      name: row.key.name,
      userId: row.user.id,
      plan: row.user.plan,
      rateLimit: Math.min(row.key.rateLimit ?? ceiling, ceiling),
      quotaLimit: row.user.monthlyQuota,
      expiresAt: row.key.expiresAt,
    },
  };
}

/** Verifies a key the signed-in user owns, by id (the console's playground has no secret to present). */
export async function verifyOwnedKey(db: Db, userId: number, keyId: number): Promise<VerifyResult> {
  const rows = await db.select({ key: apiKeys, user: users }).from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId)).where(and(eq(apiKeys.id, keyId), eq(apiKeys.userId, userId))).limit(1);
  return rows[0] ? checkKey(rows[0], rows[0].key.keyHash) : { valid: false, code: "NOT_FOUND" };
}

interface CacheEntry {
  row: KeyRowWithOwner | null;
  until: number;
}

export interface KeyVerifier {
  verify(secret: string): Promise<VerifyResult>;
  /** Drops cached entries of a key (by hash), of every key of a user, or all of them (a plan changed). */
  invalidate(target: { keyHash?: string; userId?: number; all?: boolean }): void;
}

/** Creates a verifier caching rows for `ttlMs` (negative answers for at most 1 s). */
export function createKeyVerifier(db: Db, options: { ttlMs: number; now?: () => number }): KeyVerifier {
  const now = options.now ?? Date.now;
  const cache = new Map<string, CacheEntry>();
  const loading = new Map<string, Promise<CacheEntry>>();

  const load = async (hash: string): Promise<CacheEntry> => {
    const rows = await db.select({ key: apiKeys, user: users }).from(apiKeys)
      .innerJoin(users, eq(users.id, apiKeys.userId)).where(eq(apiKeys.keyHash, hash)).limit(1);
    const row = rows[0] ?? null;
    const entry = { row, until: now() + (row ? options.ttlMs : Math.min(options.ttlMs, 1000)) };
    if (cache.size > 100_000) cache.clear();
    cache.set(hash, entry);
    return entry;
  };

  return {
    async verify(secret) {
      if (!looksLikeApiKey(secret)) return { valid: false, code: "NOT_FOUND" };
      const hash = hashApiKey(secret);
      let entry = cache.get(hash);
      if (!entry || entry.until <= now()) {
        let pending = loading.get(hash);
        if (!pending) {
          pending = load(hash).finally(() => loading.delete(hash));
          loading.set(hash, pending);
        }
        entry = await pending;
      }
      return entry.row ? checkKey(entry.row, hash, now()) : { valid: false, code: "NOT_FOUND" };
    },
    invalidate({ keyHash, userId, all }) {
      if (all) cache.clear();
      if (keyHash) cache.delete(keyHash);
      if (userId !== undefined) for (const [hash, entry] of cache) if (entry.row?.user.id === userId) cache.delete(hash);
    },
  };
}
