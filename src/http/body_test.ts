// JSON bodies: nesting and element bombs are refused in one linear scan, before parsing or validation, on every route.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { BACKENDS } from "../testing/databases.ts";
import { createKey, createTestHub, registerUser, type TestHub } from "../testing/harness.ts";
import { checkJsonShape, MAX_JSON_DEPTH, MAX_JSON_ELEMENTS } from "./body.ts";

const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

describe("checkJsonShape()", () => {
  test("accepts nesting up to the bound and refuses one level more, naming the limit", () => {
    expect(() => checkJsonShape(nested(MAX_JSON_DEPTH))).not.toThrow();
    expect(() => checkJsonShape(nested(MAX_JSON_DEPTH + 1))).toThrow(`Request body is nested deeper than ${MAX_JSON_DEPTH} levels`);
    expect(() => checkJsonShape(`{"a":${nested(MAX_JSON_DEPTH + 1)}}`)).toThrow(/deeper than 32/);
  });

  test("refuses more elements than the bound, in all containers together", () => {
    expect(() => checkJsonShape(`[${Array(MAX_JSON_ELEMENTS - 1).fill(0).join(",")}]`)).not.toThrow();
    expect(() => checkJsonShape(`[${Array(MAX_JSON_ELEMENTS + 1).fill(0).join(",")}]`)).toThrow(/more than 10,000 array items and object members/);
    const spread = `{"a":[${Array(6000).fill(1).join(",")}],"b":[${Array(6000).fill(1).join(",")}]}`;
    expect(() => checkJsonShape(spread)).toThrow(/more than 10,000/);
  });

  test("ignores brackets and commas inside strings, escaped quotes included", () => {
    expect(() => checkJsonShape(JSON.stringify({ content: "[".repeat(100_000) + ",".repeat(100_000) }))).not.toThrow();
    expect(() => checkJsonShape(JSON.stringify({ content: `\\"${"[".repeat(1000)}` }))).not.toThrow();
  });

  test("scans a 1 MiB bomb in linear time", () => {
    const started = performance.now();
    expect(() => checkJsonShape(nested(500_000))).toThrow();
    expect(() => checkJsonShape(`"${"a".repeat(1_000_000)}"`)).not.toThrow();
    expect(performance.now() - started).toBeLessThan(500);
  });
});

for (const backend of BACKENDS) {
  describe(`JSON bombs on ${backend}`, () => {
    let hub: TestHub;
    let token: string;
    let key: string;
    beforeAll(async () => {
      hub = await createTestHub({ backend });
      ({ token } = await registerUser(hub));
      ({ key } = await createKey(hub, token));
    }, 60_000);
    afterAll(() => hub.close());

    const routes: Array<{ path: string; auth?: "token" | "key" }> = [
      { path: "/api/v1/auth/login" },
      { path: "/api/v1/auth/register" },
      { path: "/api/v1/developer/api-keys", auth: "token" },
      { path: "/v1/chat/completions", auth: "key" },
      { path: "/api/v1/developer/chat", auth: "key" },
    ];

    for (const depth of [20_000, 200_000]) {
      for (const route of routes) {
        test(`${depth.toLocaleString("en-US")} nested brackets to ${route.path} are a fast 400 in the route's shape`, async () => {
          const bomb = route.path.endsWith("completions") ? `{"model":"demo","messages":[{"role":"user","content":${nested(depth)}}]}` : nested(depth);
          const started = performance.now();
          const response = await hub.request(route.path, {
            method: "POST",
            headers: { "content-type": "application/json", ...(route.auth ? { authorization: `Bearer ${route.auth === "key" ? key : token}` } : {}) },
            body: bomb,
          });
          const [health] = await Promise.all([hub.request("/health")]);
          expect(response.status).toBe(400);
          const body = await response.json() as { detail?: string; error?: { message: string; type: string; code: string } };
          if (route.path.startsWith("/v1/")) expect(body.error).toMatchObject({ message: "Request body is nested deeper than 32 levels", type: "invalid_request_error", code: "invalid_json" });
          else expect(body).toEqual({ detail: "Request body is nested deeper than 32 levels" });
          expect(performance.now() - started).toBeLessThan(1_000);
          expect(health.status).toBe(200);
        });
      }
    }

    test("the chat routes read their own body with a trailing slash too (never read twice: a 500)", async () => {
      for (const path of ["/v1/chat/completions/", "/api/v1/developer/chat/"]) {
        const json = path.startsWith("/v1/") ? { model: "demo", messages: [{ role: "user", content: "hi" }] } : { message: "hi", stream: false };
        const response = await hub.request(path, { method: "POST", json, token: key });
        expect(response.status).toBe(200);
        await response.text();
      }
    });

    test("a 100,000-element array to login is a 400 naming the element limit", async () => {
      const response = await hub.request("/api/v1/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: `[${Array(100_000).fill(0).join(",")}]` });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ detail: "Request body has more than 10,000 array items and object members in all" });
    });

    test("/health answers while bombs are being refused", async () => {
      const bombs = Array.from({ length: 8 }, () => hub.request("/api/v1/auth/register", { method: "POST", headers: { "content-type": "application/json" }, body: nested(200_000) }));
      const started = performance.now();
      const health = await hub.request("/health");
      expect(health.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(1_000);
      for (const r of await Promise.all(bombs)) expect(r.status).toBe(400);
    });
  });
}
