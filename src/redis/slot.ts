// Redis Cluster's key → slot mapping (CRC16-XMODEM of the key, or of its first non-empty `{…}` hash tag, mod 16384).

export const SLOTS = 16384;

const TABLE = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let crc = i << 8;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
  TABLE[i] = crc & 0xffff;
}

/** The part of `key` Redis Cluster hashes: its first `{…}` with something inside, or the whole key. */
export function hashTagOf(key: string): string {
  const open = key.indexOf("{");
  if (open === -1) return key;
  const close = key.indexOf("}", open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

/** The cluster slot of `key`, as the server computes it (over the key's UTF-8 bytes). */
export function slotOf(key: string): number {
  const tag = hashTagOf(key);
  // Keys are almost always ASCII: hash their char codes without encoding them.
  const bytes = /^[\x00-\x7f]*$/.test(tag) ? null : new TextEncoder().encode(tag);
  let crc = 0;
  const length = bytes ? bytes.length : tag.length;
  for (let i = 0; i < length; i++) {
    const byte = bytes ? bytes[i]! : tag.charCodeAt(i);
    crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ byte) & 0xff]!;
  }
  return crc % SLOTS;
}
