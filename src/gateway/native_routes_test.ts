// The metered POSTs a listening hub serves through Bun's router answer exactly as the Elysia routes do:
// same statuses, headers and bodies for calls that succeed and for each refusal, and they are logged and counted.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { chat, type GatewayFixture, GATEWAY_SETUPS, openGatewayFixture } from "../testing/gateway_fixture.ts";
import { createKey, registerUser } from "../testing/harness.ts";
import { nativeGatewayRoutes } from "./native_routes.ts";

let f: GatewayFixture;
let native: ReturnType<typeof nativeGatewayRoutes>;
beforeAll(async () => {
  f = await openGatewayFixture(GATEWAY_SETUPS[0]!);
  native = nativeGatewayRoutes(f.hub.runtime.deps);
});
afterAll(() => f.close());

function requestOf(path: string, body: string, key: string | null): Request {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (key) headers.authorization = `Bearer ${key}`;
  return new Request(`http://localhost${path}`, { method: "POST", headers, body });
}

/** What a client sees of a response, ids and times masked (they differ between any two calls). */
async function seen(response: Response) {
  const names: string[] = [];
  response.headers.forEach((_, name) => names.push(name));
  const headers = names.filter((name) => !["date", "content-length"].includes(name)).sort();
  const text = (await response.text())
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<id>")
    .replace(/"created":\d+/g, '"created":0');
  return { status: response.status, headers, text };
}

const CASES: Array<[string, string, string, "key" | "none" | "bad"]> = [
  ["a chat completion", "/v1/chat/completions", JSON.stringify(chat("hello")), "key"],
  ["a streamed chat completion", "/v1/chat/completions", JSON.stringify(chat("hello", { stream: true })), "key"],
  ["a seed chat message", "/api/v1/developer/chat", JSON.stringify({ message: "hello", model: "fake-model", stream: false }), "key"],
  ["embeddings", "/v1/embeddings", JSON.stringify({ model: "fake-model", input: "hello" }), "key"],
  ["a missing key", "/v1/chat/completions", JSON.stringify(chat("hello")), "none"],
  ["an unknown key", "/v1/chat/completions", JSON.stringify(chat("hello")), "bad"],
  ["malformed JSON", "/v1/chat/completions", "{\"model\":", "key"],
  ["an unknown model", "/v1/chat/completions", JSON.stringify({ ...chat("hello"), model: "no-such-model" }), "key"],
  ["a temperature out of range", "/v1/chat/completions", JSON.stringify(chat("hello", { temperature: 7 })), "key"],
  ["an upstream failure", "/v1/chat/completions", JSON.stringify(chat("!status:503")), "key"],
];

for (const [name, path, body, auth] of CASES) {
  test(`${name}: the native route answers as the Elysia route does`, async () => {
    const key = auth === "key" ? f.key : auth === "bad" ? "ai-hub-not-a-real-key-000000000000000000000000" : null;
    const viaApp = await seen(await f.hub.app.handle(requestOf(path, body, key)));
    const viaNative = await seen(await native[path]!.POST(requestOf(path, body, key)));
    expect(viaNative).toEqual(viaApp);
    expect(viaNative.headers).toContain("x-request-id");
    expect(viaNative.headers).toContain("x-content-type-options");
  });
}

test("a rate-limited key gets the same 429 with Retry-After from both", async () => {
  const account = await registerUser(f.hub);
  const { key } = await createKey(f.hub, account.token, { rate_limit: 2 });
  const path = "/v1/chat/completions";
  const body = JSON.stringify(chat("hello"));
  expect((await native[path]!.POST(requestOf(path, body, key))).status).toBe(200);
  expect((await f.hub.app.handle(requestOf(path, body, key))).status).toBe(200);
  const viaApp = await f.hub.app.handle(requestOf(path, body, key));
  const viaNative = await native[path]!.POST(requestOf(path, body, key));
  expect(viaApp.status).toBe(429);
  expect(await seen(viaNative)).toEqual(await seen(viaApp));
  expect(viaNative.headers.get("retry-after")).toBeTruthy();
});

test("a native call is written to the debug log with its path, status and request id", async () => {
  const response = await native["/v1/chat/completions"]!.POST(requestOf("/v1/chat/completions", "{", f.key));
  const id = response.headers.get("x-request-id")!;
  const line = f.hub.logs.find((l) => l.includes(id) && l.includes('"request"'));
  expect(line).toContain('"status":400');
  expect(line).toContain("/v1/chat/completions");
});

test("a trailing slash still reaches the Elysia route", async () => {
  const response = await f.hub.app.handle(requestOf("/v1/chat/completions/", JSON.stringify(chat("hello")), f.key));
  expect(response.status).toBe(200);
});
