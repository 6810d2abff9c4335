// Operator settings from the environment: admins named at start, the admin session idle timeout, the catalog key.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface AdminConfig {
  /** ADMIN_EMAILS: accounts made admins at start (lower-cased). */
  emails: readonly string[];
  /** ADMIN_IDLE_MINUTES: an admin session idle this long must log in again before admin actions. */
  idleMinutes: number;
  /** The 32-byte key sealing upstream keys at rest. */
  catalogKey: Uint8Array;
}

/**
 * The key sealing upstream keys: CATALOG_SECRET (any length ≥ 32, hashed to 32 bytes); else on the embedded default a
 * random key in DATA_DIR/catalog-key (mode 0600); else derived from JWT_SECRET, which every instance already shares.
 */
function catalogKey(env: Record<string, string | undefined>, dataDir: string, embedded: boolean, jwtSecret: string): Uint8Array {
  const explicit = env.CATALOG_SECRET;
  if (explicit) {
    if (explicit.length < 32) throw new Error("CATALOG_SECRET must be at least 32 characters (try: openssl rand -base64 48)");
    return createHash("sha256").update(explicit).digest();
  }
  if (embedded) {
    const file = join(dataDir, "catalog-key");
    if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
    return createHash("sha256").update(readFileSync(file, "utf8").trim()).digest();
  }
  return createHash("sha256").update(`aihub-catalog-key:${jwtSecret}`).digest();
}

/** Reads the operator settings; throws Error with the variable's name when one is wrong. */
export function loadAdminConfig(env: Record<string, string | undefined>, options: { dataDir: string; embedded: boolean; jwtSecret: string }): AdminConfig {
  const emails = (env.ADMIN_EMAILS ?? "").split(",").map((e) => e.trim().toLowerCase()).filter(Boolean);
  for (const e of emails) if (!/^[^\s@]+@[^\s@]+$/.test(e)) throw new Error(`ADMIN_EMAILS has "${e}", which is not an email address`);
  const rawIdle = env.ADMIN_IDLE_MINUTES;
  const idleMinutes = rawIdle === undefined || rawIdle === "" ? 30 : Number(rawIdle);
  if (!Number.isInteger(idleMinutes) || idleMinutes < 1 || idleMinutes > 24 * 60) throw new Error(`ADMIN_IDLE_MINUTES must be an integer from 1 to 1440, got "${rawIdle}"`);
  return Object.freeze({ emails: Object.freeze(emails), idleMinutes, catalogKey: catalogKey(env, options.dataDir, options.embedded, options.jwtSecret) });
}
