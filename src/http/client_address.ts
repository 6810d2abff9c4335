// The caller's address behind proxies: only what trusted hops appended to X-Forwarded-For, never a value the client chose.

/** Whom to believe in X-Forwarded-For: nobody, the last `hops` proxies, or proxies inside `ranges`. */
export type TrustProxy =
  | { kind: "none" }
  | { kind: "hops"; hops: number }
  | { kind: "ranges"; ranges: readonly IpRange[] };

/** An address range (CIDR), as the bytes of its network address and the number of leading bits that count. */
export interface IpRange {
  bytes: Uint8Array;
  bits: number;
}

const MAX_HOPS = 16;
/** Longer forwarded values are cut: an address is at most 45 characters, and throttle keys should stay small. */
const MAX_ADDRESS_LENGTH = 64;

/**
 * Reads TRUST_PROXY: empty/"false" trusts nobody; "true" is one hop; a whole number N trusts the last N hops;
 * a comma list of addresses or CIDRs trusts proxies in those ranges. Throws an Error saying what is wrong.
 */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const value = (raw ?? "").trim();
  if (value === "" || value === "false" || value === "0") return { kind: "none" };
  if (value === "true") return { kind: "hops", hops: 1 };
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > MAX_HOPS) throw new Error(`must be at most ${MAX_HOPS} hops, got "${raw}"`);
    return { kind: "hops", hops };
  }
  const ranges = value.split(",").map((part) => part.trim()).filter(Boolean).map((part) => {
    const range = parseRange(part);
    if (!range) throw new Error(`must be true, false, a number of proxy hops, or a comma list of proxy addresses/CIDRs (e.g. 10.0.0.0/8,fd00::/8); "${part}" is none of these`);
    return range;
  });
  if (ranges.length === 0) throw new Error(`names no proxy, got "${raw}"`);
  return { kind: "ranges", ranges };
}

/**
 * The client's address for `request` arriving from `peerAddress`. With N trusted hops, the address the Nth proxy from
 * the right appended; with trusted ranges, the rightmost forwarded address not inside them (walking only while each
 * hop is trusted). Leftmost values, which the client can write, count only when every hop after them is trusted.
 */
export function clientAddress(request: Request, peerAddress: string, trust: TrustProxy): string {
  if (trust.kind === "none") return peerAddress;
  const header = request.headers.get("x-forwarded-for");
  const forwarded = header ? header.split(",").map((s) => s.trim()).filter(Boolean) : [];
  if (forwarded.length === 0) return peerAddress;
  if (trust.kind === "hops") return clip(forwarded[Math.max(0, forwarded.length - trust.hops)]!);
  if (!inRanges(peerAddress, trust.ranges)) return peerAddress;
  for (let i = forwarded.length - 1; i >= 0; i--) {
    if (!inRanges(forwarded[i]!, trust.ranges)) return clip(forwarded[i]!);
  }
  return clip(forwarded[0]!);
}

function clip(address: string): string {
  return address.length > MAX_ADDRESS_LENGTH ? address.slice(0, MAX_ADDRESS_LENGTH) : address;
}

function inRanges(address: string, ranges: readonly IpRange[]): boolean {
  const bytes = parseIp(address);
  return bytes !== null && ranges.some((range) => rangeHas(range, bytes));
}

function rangeHas(range: IpRange, bytes: Uint8Array): boolean {
  if (range.bytes.length !== bytes.length) return false;
  const whole = range.bits >> 3;
  for (let i = 0; i < whole; i++) if (range.bytes[i] !== bytes[i]) return false;
  const rest = range.bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (range.bytes[whole]! & mask) === (bytes[whole]! & mask);
}

/** "10.0.0.0/8", "fd00::/8" or a single address; null when malformed. */
export function parseRange(text: string): IpRange | null {
  const [address, prefix, extra] = text.split("/");
  if (extra !== undefined || address === undefined) return null;
  const bytes = parseIp(address);
  if (!bytes) return null;
  const max = bytes.length * 8;
  if (prefix === undefined) return { bytes, bits: max };
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return null;
  return { bytes, bits: Number(prefix) };
}

/** The bytes of an IPv4 (4) or IPv6 (16) address; IPv4-mapped IPv6 addresses give the IPv4 bytes; null when malformed. */
export function parseIp(text: string): Uint8Array | null {
  const address = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  if (address.includes(".") && !address.includes(":")) return parseIpv4(address);
  if (!address.includes(":")) return null;
  const bytes = parseIpv6(address);
  if (bytes && bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12);
  return bytes;
}

function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return Uint8Array.from(parts.map(Number));
}

function parseIpv6(text: string): Uint8Array | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (half: string | undefined): number[] | null => {
    if (!half) return [];
    const out: number[] = [];
    const parts = half.split(":");
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if (i === parts.length - 1 && part.includes(".")) {
        const v4 = parseIpv4(part);
        if (!v4) return null;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(part)) {
        out.push(parseInt(part, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...Array<number>(halves.length === 1 ? 0 : missing).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((group, i) => {
    bytes[2 * i] = group >> 8;
    bytes[2 * i + 1] = group & 0xff;
  });
  return bytes;
}
