// API key secrets: generation, hashing and the shown prefix.
import { createHash, randomBytes } from "node:crypto";

export const KEY_PREFIX = "ai-hub-";
const KEY_PATTERN = /^ai-hub-[A-Za-z0-9_-]{43}$/;

/** A new secret: "ai-hub-" + 43 url-safe characters (32 random bytes). */
export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(32).toString("base64url");
}

/** The SHA-256 (hex) under which a secret is stored. */
export function hashApiKey(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** The first 13 characters, shown in lists to tell keys apart. */
export function keyPrefixOf(secret: string): string {
  return secret.slice(0, 13);
}

/** True when `secret` has the shape of an AI Hub key (checked before any look-up). */
export function looksLikeApiKey(secret: string): boolean {
  return KEY_PATTERN.test(secret);
}
