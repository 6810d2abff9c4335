// safeNext() keeps redirects on this site.
import { describe, expect, test } from "bun:test";
import { safeNext } from "./render.ts";

describe("safeNext()", () => {
  test("keeps same-site paths", () => {
    for (const path of ["/", "/keys", "/usage?days=7", "/a-b_c/%E4%B8%AD"]) expect(safeNext(path)).toBe(path);
  });
  test("refuses other origins and header-breaking characters", () => {
    for (const bad of ["//evil.example", "/\\evil.example", "/\t/evil.example", "/\n/x", "https://evil.example", "evil", "", "/a\\b", "/é", 42, undefined]) {
      expect(safeNext(bad, "/fallback")).toBe("/fallback");
    }
  });
});

describe("htmlResponse()", () => {
  test("pages carry the CSP, frame denial, nosniff and Vary: HX-Request", async () => {
    const { htmlResponse } = await import("./render.ts");
    const r = htmlResponse("<p>x</p>");
    expect(r.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(r.headers.get("x-frame-options")).toBe("DENY");
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect(r.headers.get("vary")).toBe("HX-Request");
  });
});
