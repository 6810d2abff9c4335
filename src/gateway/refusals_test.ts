// Refused developer calls: bad input is a clear 4xx in the route's shape that charges nothing; bad keys get 401.
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { apiKeys } from "../db/schema/mod.ts";
import { hashApiKey } from "../keys/mod.ts";
import { createKey, registerUser } from "../testing/harness.ts";
import { chat, describeGatewaySetups } from "../testing/gateway_fixture.ts";

describeGatewaySetups((f) => {
  const post = (body: unknown, k?: string) => f.post(body, k);
  const quotaUsed = () => f.quotaUsed();
  const recordsOf = () => f.recordsOf();

  test("refused calls count toward the rate limit and carry the limit headers", async () => {
    const acct = await registerUser(f.hub);
    const k = (await createKey(f.hub, acct.token, { rate_limit: 2 })).key;
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const r = await f.hub.request("/v1/chat/completions", { method: "POST", token: k, json: { ...chat("x"), model: "no-such-model" } });
      statuses.push(r.status);
      expect(r.headers.get("x-ratelimit-limit")).toBe("2");
    }
    expect(statuses).toEqual([404, 404, 429, 429]);
    const me = await (await f.hub.request("/api/v1/auth/me", { token: acct.token })).json() as { quota_used: number };
    expect(me.quota_used).toBe(0);
  });

  describe("bad input is a clear 4xx in the route's shape and charges nothing", () => {
    const cases: Array<[string, string, number, string | null]> = [
      ["malformed JSON", "{\"model\":", 400, null],
      ["a JSON array", "[]", 400, null],
      ["missing messages", JSON.stringify({ model: "fake-model" }), 422, "messages"],
      ["empty messages", JSON.stringify({ model: "fake-model", messages: [] }), 422, "messages"],
      ["a wrong role", JSON.stringify({ model: "fake-model", messages: [{ role: "wizard", content: "x" }] }), 422, "messages[0].role"],
      ["a numeric content", JSON.stringify({ model: "fake-model", messages: [{ role: "user", content: 5 }] }), 422, "messages[0].content"],
      ["a string stream flag", JSON.stringify({ ...chat("x"), stream: "yes" }), 422, "stream"],
      ["a numeric model", JSON.stringify({ ...chat("x"), model: 42 }), 422, "model"],
      ["a max_tokens that is a numeric string", JSON.stringify({ ...chat("x"), max_tokens: "5" }), 422, "max_tokens"],
      ["an unknown model", JSON.stringify({ ...chat("x"), model: "gpt-99" }), 404, "model"],
    ];
    for (const [label, body, status, param] of cases) {
      test(`${label} → ${status}`, async () => {
        const before = await quotaUsed();
        const r = await f.hub.request("/v1/chat/completions", { method: "POST", token: f.key, headers: { "content-type": "application/json" }, body });
        expect(r.status).toBe(status);
        const json = await r.json() as { error: { message: string; type: string; code: string | null; param: string | null } };
        expect(json.error.type).toBe("invalid_request_error");
        expect(json.error.param).toBe(param);
        if (status === 404) expect(json.error.code).toBe("model_not_found");
        expect(await quotaUsed()).toBe(before);
      });
    }

    test("a 2 MB body → 413 request_too_large", async () => {
      const r = await post(chat("x".repeat(2 * 1024 * 1024)));
      expect(r.status).toBe(413);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe("request_too_large");
    });

    test("the seed route names the bad field in {detail}", async () => {
      for (const [body, field] of [[{}, "message"], [{ message: "" }, "message"], [{ message: "x", stream: "no" }, "stream"], [{ message: "x", extra: 1 }, "extra"]] as const) {
        const r = await f.hub.request("/api/v1/developer/chat", { method: "POST", token: f.key, json: body });
        expect(r.status).toBe(422);
        expect(((await r.json()) as { detail: string }).detail).toContain(field);
      }
      const unknown = await f.hub.request("/api/v1/developer/chat", { method: "POST", token: f.key, json: { message: "x", model: "nope" } });
      expect(unknown.status).toBe(404);
    });
  });

  describe("every key-protected route refuses bad keys with 401", () => {
    const routes: Array<[string, string, unknown]> = [
      ["POST", "/v1/chat/completions", chat("x")],
      ["GET", "/v1/models", undefined],
      ["GET", "/v1/models/fake-model", undefined],
      ["GET", "/v1/key", undefined],
      ["POST", "/api/v1/developer/chat", { message: "x" }],
      ["GET", "/api/v1/developer/models", undefined],
    ];
    for (const [method, path, body] of routes) {
      test(`${method} ${path}`, async () => {
        const acct = await registerUser(f.hub);
        const revoked = await createKey(f.hub, acct.token, { name: "revoked" });
        await f.hub.request(`/api/v1/developer/api-keys/${revoked.id}`, { method: "DELETE", token: acct.token });
        const expired = await createKey(f.hub, acct.token, { name: "expired", expires_in_days: 1 });
        await f.hub.runtime.deps.database.db.update(apiKeys).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiKeys.id, expired.id));
        f.hub.runtime.deps.keys.invalidate({ keyHash: hashApiKey(expired.key) });
        const openai = path.startsWith("/v1/");
        const attempts: Array<[string | undefined, string]> = [
          [undefined, "Missing or invalid API key"],
          ["ai-hub-" + "x".repeat(43), "Invalid or expired API key"],
          ["not-even-a-key", "Invalid or expired API key"],
          [revoked.key, "Invalid or expired API key"],
          [expired.key, "Invalid or expired API key"],
          [f.token, "Invalid or expired API key"],
        ];
        for (const [k, message] of attempts) {
          const r = await f.hub.request(path, { method, token: k, json: body });
          expect(r.status).toBe(401);
          const json = await r.json() as { detail?: string; error?: { message: string; type: string; code: string } };
          if (openai) expect(json.error).toMatchObject({ message, type: "authentication_error", code: "invalid_api_key" });
          else expect(json.detail).toBe(message);
        }
      });
    }
  });
});
