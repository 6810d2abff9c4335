// callUpstream(): every way an upstream can answer or fail comes back as a value, against real HTTP servers.
import { afterAll, describe, expect, test } from "bun:test";
import type { ModelConfig, UpstreamConfig } from "../config.ts";
import { callUpstream } from "./upstream.ts";

const seen: Array<{ auth: string | null; body: Record<string, unknown> }> = [];
const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(request) {
    const body = (await request.json()) as Record<string, unknown>;
    seen.push({ auth: request.headers.get("authorization"), body });
    const path = new URL(request.url).pathname;
    if (path.startsWith("/bad")) return Response.json({ error: { message: "messages[0].content is too long" } }, { status: 400 });
    if (path.startsWith("/down")) return new Response("oops", { status: 503 });
    if (path.startsWith("/gateway-timeout")) return new Response("slow", { status: 504 });
    if (path.startsWith("/hang")) return await new Promise<Response>(() => {});
    return Response.json({ choices: [] });
  },
});
afterAll(() => server.stop(true));

const model: ModelConfig = { id: "m", name: "M", upstream: "u", upstreamModel: "vendor/m", inputPrice: 0, outputPrice: 0, free: true };
const upstream = (path: string, timeoutMs = 2_000): UpstreamConfig => ({ name: "u", baseUrl: `http://127.0.0.1:${server.port}${path}`, apiKey: "sk-upstream", headers: {}, timeoutMs });
const signal = () => new AbortController().signal;

describe("callUpstream()", () => {
  test("a 2xx is a call; the upstream model, the operator's key and include_usage on streams are sent", async () => {
    const result = await callUpstream(upstream("/ok"), model, { model: "m", stream: true, messages: [], extra: 1 }, { signal: signal() });
    expect(result.ok).toBe(true);
    if (result.ok) result.call.done();
    const last = seen.at(-1)!;
    expect(last.auth).toBe("Bearer sk-upstream");
    expect(last.body).toMatchObject({ model: "vendor/m", extra: 1, stream_options: { include_usage: true } });
  });

  test("a 400 is the caller's rejected request, with the upstream's reason", async () => {
    const result = await callUpstream(upstream("/bad"), model, { messages: [] }, { signal: signal() });
    expect(result).toEqual({ ok: false, failure: { kind: "rejected", upstream: "u", reason: "messages[0].content is too long" } });
  });

  test("a 5xx is a failure naming only the status; a 504 is a timeout", async () => {
    expect(await callUpstream(upstream("/down"), model, {}, { signal: signal() })).toEqual({ ok: false, failure: { kind: "failed", upstream: "u", reason: "HTTP 503" } });
    const timeout = await callUpstream(upstream("/gateway-timeout"), model, {}, { signal: signal() });
    expect(!timeout.ok && timeout.failure.kind).toBe("timeout");
  });

  test("a refused connection is a failure that says so", async () => {
    const closed = Bun.serve({ port: 0, fetch: () => new Response() });
    const port = closed.port;
    closed.stop(true);
    const result = await callUpstream({ ...upstream(""), baseUrl: `http://127.0.0.1:${port}` }, model, {}, { signal: signal() });
    expect(result).toEqual({ ok: false, failure: { kind: "failed", upstream: "u", reason: "connection refused" } });
  });

  test("no headers within the timeout is a timeout", async () => {
    const result = await callUpstream(upstream("/hang", 150), model, {}, { signal: signal() });
    expect(!result.ok && result.failure).toEqual({ kind: "timeout", upstream: "u", reason: "no response within 150 ms" });
  });

  test("a client that leaves first is told apart from an upstream failure", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const result = await callUpstream(upstream("/hang"), model, {}, { signal: controller.signal });
    expect(!result.ok && result.failure.kind).toBe("client_aborted");
  });
});
