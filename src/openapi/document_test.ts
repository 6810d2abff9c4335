// The OpenAPI document is generated from the routes' own schemas and describes exactly the API the app serves.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestHub, type TestHub } from "../testing/harness.ts";

type Operation = { operationId: string; security: Array<Record<string, string[]>>; responses: Record<string, { headers: Record<string, unknown>; content?: Record<string, { schema: unknown }> }>; requestBody?: { content: Record<string, { schema: unknown; example?: { model?: string } }> } };
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, { required?: string[]; properties?: Record<string, unknown> }>; securitySchemes: Record<string, unknown> } };

/**
 * The rule: every route under /api/ or /v1/, and /health, /ready, /metrics and /openapi.json, is part of the API and
 * is documented; everything else is a console HTML page (including /docs/api) or a static file, and is not.
 */
function isApiRoute(path: string): boolean {
  return path.startsWith("/api/") || path.startsWith("/v1/") || ["/health", "/ready", "/metrics", "/openapi.json"].includes(path);
}

const operationKey = (method: string, path: string) => `${method.toLowerCase()} ${path.replace(/:(\w+)/g, "{$1}").replace(/(.)\/$/, "$1")}`;

describe("the OpenAPI document", () => {
  let hub: TestHub;
  let doc: Doc;
  const operations = () => Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ key: `${method} ${path}`, path, op })));
  beforeAll(async () => {
    hub = await createTestHub({ backend: "pglite" });
    const r = await hub.request("/openapi.json");
    expect(r.status).toBe(200);
    doc = await r.json() as Doc;
  }, 60_000);
  afterAll(() => hub.close());

  test("documents every registered API route, and every documented operation is a registered route", () => {
    const registered = hub.app.routes.filter((r) => isApiRoute(r.path)).map((r) => operationKey(r.method, r.path)).sort();
    const documented = operations().map((o) => o.key).sort();
    expect(registered.length).toBeGreaterThanOrEqual(16);
    expect(documented).toEqual([...new Set(registered)]);
    const served = new Set(hub.app.routes.map((r) => operationKey(r.method, r.path)));
    for (const key of documented) expect(served.has(key)).toBe(true);
  });

  test("every operation has a unique operationId and a security requirement; the public ones say so", () => {
    const ids = operations().map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const publicOps = operations().filter((o) => o.op.security.length === 0).map((o) => o.key).sort();
    expect(publicOps).toEqual(["get /health", "get /openapi.json", "get /ready", "post /api/v1/auth/login", "post /api/v1/auth/password/forgot", "post /api/v1/auth/password/reset", "post /api/v1/auth/register", "post /api/v1/auth/verify-email"]);
    for (const { path, op } of operations()) {
      if (op.security.length === 0) continue;
      // The metrics token is optional: required only when the operator set METRICS_TOKEN.
      if (path === "/metrics") {
        expect(op.security).toEqual([{}, { metricsToken: [] }]);
        continue;
      }
      expect(op.security).toEqual([path.startsWith("/v1/") || path === "/api/v1/developer/chat" || path === "/api/v1/developer/models" ? { apiKey: [] } : { accountToken: [] }]);
    }
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["accountToken", "apiKey", "metricsToken"]);
  });

  test("every response declares X-Request-Id; developer-API answers to a valid key declare the limit headers", () => {
    for (const { key, op } of operations()) {
      for (const [status, response] of Object.entries(op.responses)) {
        expect(response.headers, `${key} ${status}`).toHaveProperty("X-Request-Id");
        const byKey = op.security.some((s) => "apiKey" in s) && status !== "401" && status !== "503";
        for (const header of ["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-Quota-Limit", "X-Quota-Remaining", "X-Quota-Reset"]) {
          expect(Object.hasOwn(response.headers, header), `${key} ${status} ${header}`).toBe(byKey);
        }
        if (status === "429") expect(response.headers).toHaveProperty("Retry-After");
      }
    }
  });

  test("errors use {detail} on /api/v1 and OpenAI's {error} on /v1", () => {
    expect(doc.paths["/api/v1/developer/api-keys/{id}"]!.delete!.responses["404"]!.content!["application/json"]!.schema).toEqual({ $ref: "#/components/schemas/DetailError" });
    expect(doc.paths["/v1/chat/completions"]!.post!.responses["429"]!.content!["application/json"]!.schema).toEqual({ $ref: "#/components/schemas/OpenAIError" });
    expect(doc.components.schemas.OpenAIError!.required).toEqual(["error"]);
  });

  test("response fields that are always present are required, from the same schemas the routes use", () => {
    expect(doc.components.schemas.User!.required!.sort()).toEqual(["created_at", "email", "email_verified", "full_name", "id", "is_active", "monthly_quota", "plan", "quota_remaining", "quota_used"]);
    expect(doc.components.schemas.ApiKey!.required!.length).toBe(11);
    expect(doc.components.schemas.ApiKeyCreated!.required).toContain("key");
    expect(doc.components.schemas.AuthResponse!.required!.sort()).toEqual(["access_token", "token_type", "user"]);
  });

  test("the deferred chat bodies are documented from their schemas, with a catalog model in the example", () => {
    const chat = doc.paths["/v1/chat/completions"]!.post!.requestBody!.content["application/json"]!;
    expect(chat.schema).toEqual({ $ref: "#/components/schemas/ChatCompletionRequest" });
    expect(chat.example!.model).toBe(hub.runtime.deps.config.models[0]!.id);
    expect(doc.components.schemas.ChatCompletionRequest!.required).toEqual(["messages"]);
    expect(doc.components.schemas.SeedChatRequest!.required).toEqual(["message"]);
    expect(Object.keys(doc.paths["/v1/chat/completions"]!.post!.responses["200"]!.content!)).toEqual(["application/json", "text/event-stream"]);
  });

  test("the interactive reference loads Swagger UI from the hub itself, with no inline script", async () => {
    const page = await hub.request("/docs/api");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<script src="/static/swagger-ui-bundle.js"></script>');
    expect(html).not.toMatch(/<script>(?!<)/);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self';");
    for (const file of ["swagger-ui.css", "swagger-a11y.css", "swagger-ui-bundle.js", "swagger-init.js"]) {
      expect((await hub.request(`/static/${file}`)).status).toBe(200);
    }
  });
});
