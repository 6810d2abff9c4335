// The OpenAPI document describes exactly the API routes the app serves.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestHub, type TestHub } from "../testing/harness.ts";
import { openApiDocument } from "./document.ts";

describe("the OpenAPI document", () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ backend: "pglite" });
  }, 60_000);
  afterAll(() => hub.close());

  const apiRoutes = () => hub.app.routes
    .filter((r) => /^\/(api\/v1|v1)\//.test(r.path) || r.path === "/health" || r.path === "/ready")
    .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, "{$1}").replace(/(.)\/$/, "$1")}`)
    .sort();

  test("lists every API route the app serves, and no other", () => {
    const doc = openApiDocument(["demo"]);
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`)).sort();
    expect(documented).toEqual(apiRoutes());
  });

  test("is served at /openapi.json with the model catalog", async () => {
    const r = await hub.request("/openapi.json");
    expect(r.status).toBe(200);
    const doc = await r.json() as { openapi: string; components: { schemas: { ChatCompletionRequest: { properties: { model: { enum: string[] } } } } } };
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.components.schemas.ChatCompletionRequest.properties.model.enum).toEqual(["demo"]);
  });

  test("the interactive reference loads Swagger UI from the hub itself, with no inline script", async () => {
    const page = await hub.request("/docs/api");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<script src="/static/swagger-ui-bundle.js"></script>');
    expect(html).not.toMatch(/<script>(?!<)/);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self';");
    for (const file of ["swagger-ui.css", "swagger-ui-bundle.js", "swagger-init.js"]) {
      expect((await hub.request(`/static/${file}`)).status).toBe(200);
    }
  });
});
