// Which webhook URLs the hub may call: http(s) only, and never loopback, link-local or private addresses
// (checked when a webhook is created and again before each delivery, so a rebinding DNS name cannot slip through).
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

const blocked = new BlockList();
for (const [net, bits] of [["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12], ["192.0.0.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["224.0.0.0", 3]] as const) {
  blocked.addSubnet(net, bits, "ipv4");
}
for (const [net, bits] of [["::", 127], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8], ["64:ff9b::", 96], ["2001:db8::", 32]] as const) blocked.addSubnet(net, bits, "ipv6");

/** True for loopback, link-local, private, shared, multicast and reserved addresses (IPv4-mapped IPv6 included). */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPrivateAddress(mapped[1]!);
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? "ipv4" : "ipv6");
}

/** Why a URL is refused, as a machine reads it (the console words its message from this); `reason` is the English. */
export type UrlRefusal =
  | { ok: false; problem: "not_http" | "credentials" | "private"; reason: string }
  | { ok: false; problem: "unresolved"; host: string; reason: string };
export type UrlCheck = { ok: true } | UrlRefusal;

const NOT_HTTP: UrlRefusal = { ok: false, problem: "not_http", reason: "url must be an absolute http:// or https:// URL" };

/** Checks a webhook URL: its scheme, and (unless `allowPrivate`) every address its host resolves to. */
export async function checkWebhookUrl(raw: string, options: { allowPrivate: boolean }): Promise<UrlCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return NOT_HTTP;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return NOT_HTTP;
  if (url.username || url.password) return { ok: false, problem: "credentials", reason: "url must not carry a user or password" };
  if (options.allowPrivate) return { ok: true };
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    return { ok: false, problem: "unresolved", host, reason: `url's host ${host} does not resolve` };
  }
  if (addresses.length === 0 || addresses.some(isPrivateAddress)) return { ok: false, problem: "private", reason: "url resolves to a loopback, link-local or private address" };
  return { ok: true };
}
