// safeNext() keeps redirects on this site.
import { describe, expect, test } from "bun:test";
import { safeNext } from "./render.ts";

describe("safeNext()", () => {
  test("keeps same-site paths", () => {
    for (const path of ["/", "/keys", "/usage?days=7", "/a-b_c/%E4%B8%AD"]) expect(safeNext(path)).toBe(path);
  });
  test("keeps a query string, which cannot leave the site whatever it holds", () => {
    // A Location of "/path?..." resolves against this origin: "//" or a scheme in the query is only data.
    for (const path of ["/dashboard/logs?model=fake-model&status=5xx", "/?next=//evil.example", "/x?u=https://evil.example/&a=%5C"]) expect(safeNext(path)).toBe(path);
    for (const bad of ["/x?a=\\b", "/x?a=\tb", "/x?a=é"]) expect(safeNext(bad, "/fallback")).toBe("/fallback");
  });
  test("refuses other origins and header-breaking characters", () => {
    for (const bad of ["//evil.example", "/\\evil.example", "/\t/evil.example", "/\n/x", "https://evil.example", "evil", "", "/a\\b", "/é", 42, undefined]) {
      expect(safeNext(bad, "/fallback")).toBe("/fallback");
    }
  });
});
