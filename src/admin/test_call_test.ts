import { afterAll, describe, expect, test } from "bun:test";
import type { UpstreamConfig } from "../config.ts";
import { startFakeUpstream } from "../testing/fake_upstream.ts";
import { testModelCall } from "./test_call.ts";

const fake = startFakeUpstream({ apiKey: "sk-test-call" });
const failing = startFakeUpstream({ intercept: () => Response.json({ error: { message: "The model `nope` does not exist" } }, { status: 404 }) });
const hanging = Bun.serve({ port: 0, hostname: "127.0.0.1", idleTimeout: 0, fetch: () => new Promise<Response>(() => {}) });
afterAll(async () => {
  await fake.stop();
  await failing.stop();
  hanging.stop(true);
});
const upstream = (name: string, baseUrl: string, apiKey = ""): UpstreamConfig => ({ name, baseUrl, apiKey, headers: {}, timeoutMs: 120_000 }) as UpstreamConfig;

describe("testModelCall()", () => {
  test("sends one tiny non-stream chat request and reports the reply and latency", async () => {
    const result = await testModelCall([upstream("up", fake.url, "sk-test-call")], { upstream: "up", upstreamModel: "fake-model" });
    expect(result).toMatchObject({ ok: true, upstream: "up", message: "Hello from the fake upstream." });
    expect(result.latency_ms).toBeGreaterThanOrEqual(0);
    const sent = fake.requests.at(-1)!;
    expect(sent.body).toMatchObject({ model: "fake-model", stream: false, max_tokens: 5 });
    expect(sent.authorization).toBe("Bearer sk-test-call");
  });

  test("reports the upstream's refusal of its key, its own error message, an unknown upstream", async () => {
    expect(await testModelCall([upstream("up", fake.url, "sk-wrong")], { upstream: "up", upstreamModel: "m" })).toMatchObject({ ok: false, message: "key_refused: HTTP 401" });
    expect(await testModelCall([upstream("bad", failing.url)], { upstream: "bad", upstreamModel: "nope" })).toMatchObject({ ok: false, message: "rejected (HTTP 404): The model `nope` does not exist" });
    expect(await testModelCall([], { upstream: "ghost", upstreamModel: "m" })).toMatchObject({ ok: false, message: 'No upstream named "ghost"' });
  });

  test("gives up after its short timeout", async () => {
    const result = await testModelCall([upstream("slow", `http://127.0.0.1:${hanging.port}`)], { upstream: "slow", upstreamModel: "m" }, { timeoutMs: 200 });
    expect(result).toMatchObject({ ok: false, message: "timeout: no response within 200 ms" });
    expect(result.latency_ms).toBeLessThan(2000);
  });
});
