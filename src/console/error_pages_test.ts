// Unknown paths and unexpected failures: an HTML page in the visitor's language off the API, JSON on it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Elysia } from "elysia";
import { httpPlugin } from "../http/mod.ts";
import { createLogger } from "../log.ts";
import { BACKENDS } from "../testing/databases.ts";
import { createTestHub, type TestHub } from "../testing/harness.ts";
import { consoleErrorPage } from "./error_pages.ts";

describe("console error pages", () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ backend: BACKENDS[0]! });
  }, 60_000);
  afterAll(() => hub.close());

  test("an unknown page path answers an HTML 404 in zh-CN by default, with the request id", async () => {
    const response = await hub.request("/no/such/page");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toStartWith("text/html");
    const html = await response.text();
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain("页面不存在");
    expect(html).toContain(response.headers.get("x-request-id")!);
  });

  test("the 404 page follows Accept-Language, and the saved language over it", async () => {
    const english = await hub.request("/nowhere", { headers: { "accept-language": "en-US,en;q=0.9" } });
    const html = await english.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain("Page not found");
    const saved = await hub.request("/nowhere", { headers: { "accept-language": "en", cookie: "aihub_lang=zh-CN" } });
    expect(await saved.text()).toContain("页面不存在");
  });

  test("the path is escaped in the 404 page", async () => {
    const html = await (await hub.request("/%3Cscript%3Ealert(1)%3C/script%3E")).text();
    expect(html).not.toContain("<script>alert(1)");
  });

  test("an htmx request gets an alert fragment, not a whole page", async () => {
    const html = await (await hub.request("/nowhere", { headers: { "hx-request": "true", "accept-language": "en" } })).text();
    expect(html).toStartWith('<p class="alert" role="alert">Page not found');
  });

  test("API paths keep their JSON shapes: {detail} under /api/, OpenAI's {error} under /v1/", async () => {
    const api = await hub.request("/api/v1/nope");
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ detail: "No route for GET /api/v1/nope" });
    const openai = await hub.request("/v1/nope");
    expect(openai.status).toBe(404);
    expect(((await openai.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });

  test("an unexpected failure on a page answers an HTML 500 in the page's language with the request id; the API keeps JSON", async () => {
    const lines: string[] = [];
    const app = new Elysia()
      .use(httpPlugin(createLogger("error", (line) => lines.push(line)), { errorPage: consoleErrorPage }))
      .get("/boom", () => {
        throw new Error("kaboom");
      })
      .get("/api/v1/boom", () => {
        throw new Error("kaboom");
      });
    for (const [lang, text] of [["zh-CN", "服务器出错了"], ["en", "Server error"]] as const) {
      const response = await app.handle(new Request("http://localhost/boom", { headers: { "accept-language": lang } }));
      expect(response.status).toBe(500);
      const html = await response.text();
      expect(html).toContain(`<html lang="${lang}">`);
      expect(html).toContain(text);
      expect(html).toContain(response.headers.get("x-request-id")!);
      expect(html).not.toContain("kaboom");
    }
    const api = await app.handle(new Request("http://localhost/api/v1/boom"));
    expect(api.status).toBe(500);
    expect(await api.json()).toEqual({ detail: "Internal server error" });
    expect(lines.some((line) => line.includes("unhandled error"))).toBe(true);
  });
});
