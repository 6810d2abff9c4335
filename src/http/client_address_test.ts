// clientAddress() believes only what trusted hops appended to X-Forwarded-For.
import { describe, expect, test } from "bun:test";
import { clientAddress, parseIp, parseTrustProxy } from "./client_address.ts";

const withForwarded = (value?: string) => new Request("http://localhost/", { headers: value === undefined ? {} : { "x-forwarded-for": value } });

describe("clientAddress()", () => {
  test("trusting nobody, it is the peer address whatever the header says", () => {
    expect(clientAddress(withForwarded("1.2.3.4"), "9.9.9.9", parseTrustProxy(undefined))).toBe("9.9.9.9");
    expect(clientAddress(withForwarded("1.2.3.4"), "9.9.9.9", parseTrustProxy("false"))).toBe("9.9.9.9");
  });

  test("with one trusted hop (TRUST_PROXY=true) it is the rightmost value: a spoofed leftmost value is ignored", () => {
    const trust = parseTrustProxy("true");
    for (let i = 0; i < 40; i++) {
      expect(clientAddress(withForwarded(`203.0.113.${i}, 198.51.100.7`), "10.0.0.2", trust)).toBe("198.51.100.7");
    }
    expect(clientAddress(withForwarded("198.51.100.7"), "10.0.0.2", trust)).toBe("198.51.100.7");
  });

  test("with N trusted hops it is the address the Nth proxy from the right appended", () => {
    const trust = parseTrustProxy("2");
    expect(clientAddress(withForwarded("6.6.6.6, 198.51.100.7, 10.0.0.9"), "10.0.0.2", trust)).toBe("198.51.100.7");
    // Fewer entries than hops: the leftmost is all there is.
    expect(clientAddress(withForwarded("198.51.100.7"), "10.0.0.2", trust)).toBe("198.51.100.7");
  });

  test("without the header it is the peer address", () => {
    expect(clientAddress(withForwarded(), "9.9.9.9", parseTrustProxy("true"))).toBe("9.9.9.9");
    expect(clientAddress(withForwarded(" , "), "9.9.9.9", parseTrustProxy("true"))).toBe("9.9.9.9");
  });

  test("with trusted ranges it walks from the right past trusted proxies to the first untrusted address", () => {
    const trust = parseTrustProxy("10.0.0.0/8, fd00::/8");
    expect(clientAddress(withForwarded("6.6.6.6, 198.51.100.7, 10.1.2.3"), "10.0.0.2", trust)).toBe("198.51.100.7");
    expect(clientAddress(withForwarded("6.6.6.6, 2001:db8::1, fd12::3"), "fd00::1", trust)).toBe("2001:db8::1");
    expect(clientAddress(withForwarded("6.6.6.6, 198.51.100.7"), "::ffff:10.0.0.2", trust)).toBe("198.51.100.7");
  });

  test("with trusted ranges a peer outside them is the client, and its header is ignored", () => {
    const trust = parseTrustProxy("10.0.0.0/8");
    expect(clientAddress(withForwarded("198.51.100.7"), "203.0.113.5", trust)).toBe("203.0.113.5");
  });

  test("an absurdly long forwarded value is cut to 64 characters", () => {
    expect(clientAddress(withForwarded("x".repeat(10_000)), "10.0.0.2", parseTrustProxy("1"))).toHaveLength(64);
  });
});

describe("parseTrustProxy()", () => {
  test("reads booleans, hop counts and CIDR lists", () => {
    expect(parseTrustProxy("")).toEqual({ kind: "none" });
    expect(parseTrustProxy("true")).toEqual({ kind: "hops", hops: 1 });
    expect(parseTrustProxy("3")).toEqual({ kind: "hops", hops: 3 });
    expect(parseTrustProxy("10.0.0.0/8,127.0.0.1")).toMatchObject({ kind: "ranges", ranges: [{ bits: 8 }, { bits: 32 }] });
  });

  test("refuses what it cannot read, saying what it expects", () => {
    expect(() => parseTrustProxy("yes")).toThrow(/number of proxy hops, or a comma list/);
    expect(() => parseTrustProxy("10.0.0.0/33")).toThrow(/"10.0.0.0\/33" is none of these/);
    expect(() => parseTrustProxy("99")).toThrow(/at most 16 hops/);
  });
});

describe("parseIp()", () => {
  test("reads IPv4, IPv6 (compressed, bracketed, IPv4-mapped) and refuses the rest", () => {
    expect([...parseIp("192.168.1.20")!]).toEqual([192, 168, 1, 20]);
    expect(parseIp("::1")!.length).toBe(16);
    expect(parseIp("[2001:db8::1]")![3]).toBe(0xb8);
    expect([...parseIp("::ffff:10.0.0.1")!]).toEqual([10, 0, 0, 1]);
    for (const bad of ["", "1.2.3", "256.1.1.1", "1::2::3", "abc", "1:2:3:4:5:6:7:8:9", "unknown"]) expect(parseIp(bad)).toBeNull();
  });
});
