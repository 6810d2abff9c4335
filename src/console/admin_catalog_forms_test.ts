import { describe, expect, test } from "bun:test";
import { translator } from "./i18n.ts";
import { localizeFieldErrors, parseDeploymentLines } from "./admin_catalog_forms.ts";
import type { PageContext } from "../../views/types.ts";

describe("parseDeploymentLines()", () => {
  test("reads one deployment a line, upstream model, priority and weight optional, blank lines skipped", () => {
    expect(parseDeploymentLines("a m1 1 3\r\n\n  b  \n")).toEqual([{ upstream: "a", upstream_model: "m1", priority: 1, weight: 3 }, { upstream: "b" }]);
  });
  test("keeps a bad number as NaN so the schema names the field", () => {
    expect(parseDeploymentLines("a m x")[0]!.priority).toBeNaN();
  });
});

describe("localizeFieldErrors()", () => {
  const ctx = (lang: "zh-CN" | "en") => ({ t: translator(lang) }) as unknown as PageContext;
  test("says a field's error in the page's language; a model's name is its display name", () => {
    expect(localizeFieldErrors(ctx("zh-CN"), { fields: { base_url: "must be an http:// or https:// URL" } }).fields).toEqual({ base_url: "须为 http:// 或 https:// 开头的网址" });
    expect(localizeFieldErrors(ctx("en"), { fields: { name: "x" } }, "model:a").fields!.name).toContain("display name");
    expect(localizeFieldErrors(ctx("en"), { form: "Upstream exists" })).toEqual({ form: "Upstream exists" });
  });
});
