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
