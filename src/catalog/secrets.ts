// Upstream keys at rest: AES-256-GCM with the hub's catalog key, so a database dump does not reveal them.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

export interface Sealer {
  seal(plain: string): string;
  open(sealed: string): string;
}

/** A sealer for a 32-byte key; sealed values are "v1." + base64url(iv ‖ tag ‖ ciphertext). */
export function createSealer(key: Uint8Array): Sealer {
  if (key.length !== 32) throw new Error("the catalog key must be 32 bytes");
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url")}`;
    },
    open(sealed) {
      if (!sealed.startsWith("v1.")) throw new Error("not a sealed value");
      const raw = Buffer.from(sealed.slice(3), "base64url");
      const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
    },
  };
}
