// Verifies a presented API key in a fixed order, from an in-memory cache so the hot path does no database I/O.
import { and, eq, inArray } from "drizzle-orm";
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
  /** Last time a request presented this key: only keys in use are refreshed ahead of expiry. */
  usedAt: number;
}

export interface KeyVerifier {
  verify(secret: string): Promise<VerifyResult>;
  /** Drops cached entries of a key (by hash), of every key of a user, or all of them (a plan changed). */
  invalidate(target: { keyHash?: string; userId?: number; all?: boolean }): void;
  /** Reloads, in one query, the cached keys in use whose entries are past half their life (the timer calls it). */
  refresh(): Promise<void>;
  close(): void;
}

export interface KeyVerifierOptions {
  ttlMs: number;
  now?: () => number;
  /** How often cached keys are refreshed ahead of expiry (0: never by timer); ttlMs / 4 by default. */
  refreshEveryMs?: number;
  /** Keys not presented for this long are left to expire instead of being refreshed (15 minutes by default). */
  idleMs?: number;
  /** Loads keys and their owners by hash (the database by default). */
  loadRows?: (hashes: string[]) => Promise<KeyRowWithOwner[]>;
}

/**
 * Creates a verifier caching rows for `ttlMs` (negative answers for at most 1 s). Keys in use are reloaded in
 * the background before their entry expires, so a key called now and then never waits for the database.
 */
export function createKeyVerifier(db: Db, options: KeyVerifierOptions): KeyVerifier {
  const now = options.now ?? Date.now;
  const idleMs = options.idleMs ?? 15 * 60_000;
  const loadRows = options.loadRows ?? (async (hashes: string[]) => await db.select({ key: apiKeys, user: users }).from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId)).where(hashes.length === 1 ? eq(apiKeys.keyHash, hashes[0]!) : inArray(apiKeys.keyHash, hashes)));
  const cache = new Map<string, CacheEntry>();
  const loading = new Map<string, Promise<CacheEntry>>();
  // Bumped by every invalidation: a load that started before one may hold rows it made stale, so it is not cached.
  let epoch = 0;

  const store = (hash: string, row: KeyRowWithOwner | null, usedAt: number): CacheEntry => {
    const entry = { row, until: now() + (row ? options.ttlMs : Math.min(options.ttlMs, 1000)), usedAt };
    if (cache.size > 100_000) cache.clear();
    cache.set(hash, entry);
    return entry;
  };

  const load = async (hash: string): Promise<CacheEntry> => {
    const started = epoch;
    const row = (await loadRows([hash]))[0] ?? null;
    if (started !== epoch) return { row, until: 0, usedAt: now() };
    return store(hash, row, now());
  };

  let refreshing: Promise<void> | null = null;
  const refresh = async () => {
    const t = now();
    const due: string[] = [];
    for (const [hash, entry] of cache) {
      if (entry.until <= t && t - entry.usedAt > idleMs) cache.delete(hash);
      else if (entry.row && entry.until - t <= options.ttlMs / 2 && t - entry.usedAt <= idleMs && !loading.has(hash)) due.push(hash);
    }
    for (let i = 0; i < due.length; i += 500) {
      const chunk = due.slice(i, i + 500);
      const started = epoch;
      const rows = await loadRows(chunk);
      if (started !== epoch) continue;
      const found = new Map(rows.map((row) => [row.key.keyHash, row]));
      for (const hash of chunk) {
        const usedAt = cache.get(hash)?.usedAt;
        if (usedAt !== undefined) store(hash, found.get(hash) ?? null, usedAt);
      }
    }
  };
  const refreshEveryMs = options.refreshEveryMs ?? Math.max(250, options.ttlMs / 4);
  const timer = refreshEveryMs > 0 && options.ttlMs > 0 ? setInterval(() => {
    // A failed refresh leaves entries to expire; the next request then loads (or reports the outage) itself.
    refreshing ??= refresh().catch(() => {}).finally(() => (refreshing = null));
  }, refreshEveryMs) : null;
  timer?.unref?.();

  return {
    async verify(secret) {
      if (!looksLikeApiKey(secret)) return { valid: false, code: "NOT_FOUND" };
      const hash = hashApiKey(secret);
      const t = now();
      let entry = cache.get(hash);
      if (!entry || entry.until <= t) {
        let pending = loading.get(hash);
        if (!pending) {
          pending = load(hash).finally(() => loading.delete(hash));
          loading.set(hash, pending);
        }
        entry = await pending;
      }
      entry.usedAt = t;
      return entry.row ? checkKey(entry.row, hash, t) : { valid: false, code: "NOT_FOUND" };
    },
    invalidate({ keyHash, userId, all }) {
      epoch++;
      if (all) cache.clear();
      if (keyHash) cache.delete(keyHash);
      if (userId !== undefined) for (const [hash, entry] of cache) if (entry.row?.user.id === userId) cache.delete(hash);
    },
    refresh: () => (refreshing ??= refresh().finally(() => (refreshing = null))),
    close() {
      if (timer) clearInterval(timer);
    },
  };
}
