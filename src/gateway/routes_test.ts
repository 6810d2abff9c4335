// The OpenAI chat route against a real HTTP upstream on loopback, on in-process limits + PGlite and on Redis + PostgreSQL.
import { describe, expect, test } from "bun:test";
import { startCuttingUpstream, startFakeUpstream } from "../testing/fake_upstream.ts";
import { createKey, createTestHub, registerUser } from "../testing/harness.ts";
import { readSse } from "../testing/sse.ts";
import { chat, describeGatewaySetups } from "../testing/gateway_fixture.ts";

describeGatewaySetups((f, setup) => {
  const post = (body: unknown, k?: string) => f.post(body, k);
  const quotaUsed = () => f.quotaUsed();
  const recordsOf = () => f.recordsOf();

  test("a non-stream call returns OpenAI's shape with the upstream's token counts, and is recorded", async () => {
    const before = await quotaUsed();
    const r = await post(chat("hello there"));
    expect(r.status).toBe(200);
    const body = await r.json() as { choices: Array<{ message: { content: string } }>; usage: { prompt_tokens: number; completion_tokens: number }; model: string };
    expect(body.choices[0]!.message.content).toBe("Hello from the fake upstream.");
    expect(body.model).toBe("fake-model");
    expect(body.usage.completion_tokens).toBe(6);
    for (const h of ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "x-quota-limit", "x-quota-remaining", "x-quota-reset", "x-request-id"]) expect(r.headers.get(h)).toBeTruthy();
    expect(Number(r.headers.get("x-quota-remaining"))).toBe(10_000 - before - 1);
    expect(await quotaUsed()).toBe(before + 1);
    const sent = f.upstream.requests.at(-1)!;
    expect(sent.authorization).toBe("Bearer sk-upstream-secret");
    const records = await recordsOf();
    const record = records.find((x) => x.endpoint === "/v1/chat/completions" && x.outcome === "ok" && !x.stream)!;
    expect(record).toMatchObject({ model: "fake-model", upstream: "upstream", status: 200, countsQuota: true, promptTokens: body.usage.prompt_tokens, completionTokens: 6, tokensEstimated: false });
    expect(record.cost).toBeCloseTo((body.usage.prompt_tokens * 1 + 6 * 2) / 1e6, 12);
    expect(record.ttfbMs).not.toBeNull();
  });

  test("unknown request fields reach the upstream; the model is mapped", async () => {
    await post(chat("pass through", { temperature: 0.3, top_p: 0.9, user: "u-1", metadata: { a: 1 } }));
    const sent = f.upstream.requests.at(-1)!.body;
    expect(sent).toMatchObject({ temperature: 0.3, top_p: 0.9, user: "u-1", metadata: { a: 1 }, model: "fake-model" });
  });

  test("a stream relays each chunk as it arrives: the first is there before a 500 ms upstream pause ends", async () => {
    const started = performance.now();
    const r = await post(chat("stream please !delay:500", { stream: true }));
    expect(r.headers.get("content-type")).toContain("text/event-stream");
    const events = await readSse(r);
    const first = events[0]!.at - started;
    const last = events.at(-1)!.at - started;
    expect(first).toBeLessThan(400);
    expect(last).toBeGreaterThanOrEqual(480);
    expect(events.at(-1)!.data).toBe("[DONE]");
    const text = events.slice(0, -1).map((e) => JSON.parse(e.data)).map((c) => c.choices?.[0]?.delta?.content ?? "").join("");
    expect(text).toBe("Hello from the fake upstream.");
  });

  test("streams ask the upstream for usage and record its counts; the client gets the usage chunk only if it asked", async () => {
    const plain = await readSse(await post(chat("count me", { stream: true })));
    expect(f.upstream.requests.at(-1)!.body.stream_options).toEqual({ include_usage: true });
    expect(plain.some((e) => e.data.includes("\"usage\""))).toBe(false);
    const asked = await readSse(await post(chat("count me too", { stream: true, stream_options: { include_usage: true } })));
    const usageChunk = asked.map((e) => (e.data === "[DONE]" ? null : JSON.parse(e.data))).find((c) => c?.usage);
    expect(usageChunk.usage.completion_tokens).toBe(6);
    const records = await recordsOf();
    const streamed = records.filter((x) => x.stream && x.outcome === "ok");
    expect(streamed.length).toBeGreaterThanOrEqual(2);
    expect(streamed.every((x) => x.completionTokens === 6 && !x.tokensEstimated)).toBe(true);
  });

  test("without upstream usage the tokens are estimated and the record says so", async () => {
    await readSse(await post(chat("no usage here !nousage", { stream: true })));
    const records = await recordsOf();
    const estimated = records.find((x) => x.stream && x.tokensEstimated);
    expect(estimated).toBeDefined();
    expect(estimated!.completionTokens).toBeGreaterThan(0);
  });

  const failures: Array<[string, string, number, string, string]> = [
    ["an upstream 503", "!status:503", 502, "upstream_failed", "HTTP 503"],
    ["an upstream 500", "!status:500", 502, "upstream_failed", "HTTP 500"],
    ["a hanging upstream", "!hang", 504, "upstream_timeout", "did not answer in time"],
    ["a malformed body", "!malformed", 502, "upstream_failed", "malformed"],
  ];
  for (const [label, directive, status, code, mentions] of failures) {
    test(`${label} becomes ${status} in OpenAI's shape and gives the quota back`, async () => {
      const before = await quotaUsed();
      const r = await post(chat(`fail ${directive}`));
      expect(r.status).toBe(status);
      const body = await r.json() as { error: { message: string; type: string; code: string } };
      expect(body.error.type).toBe("upstream_error");
      expect(body.error.code).toBe(code);
      expect(body.error.message).toContain(mentions);
      expect(body.error.message).not.toContain("sk-upstream-secret");
      expect(r.headers.get("x-ratelimit-limit")).toBeTruthy();
      expect(await quotaUsed()).toBe(before);
      const records = await recordsOf();
      expect(records.some((x) => x.status === status && x.error?.includes(mentions) && !x.countsQuota)).toBe(true);
    });
  }

  test("a refused connection is 502 and the seed route uses the {detail} shape", async () => {
    const dead = startFakeUpstream();
    const url = dead.url;
    await dead.stop();
    const offline = await createTestHub({ backend: setup.backend, redis: setup.redis, env: { UPSTREAM_BASE_URL: url, UPSTREAM_MODELS: "fake-model" } });
    try {
      const acct = await registerUser(offline);
      const k = (await createKey(offline, acct.token)).key;
      const r = await offline.request("/v1/chat/completions", { method: "POST", token: k, json: chat("hi") });
      expect(r.status).toBe(502);
      expect(((await r.json()) as { error: { message: string } }).error.message).toContain("connection refused");
      const seed = await offline.request("/api/v1/developer/chat", { method: "POST", token: k, json: { message: "hi", stream: false } });
      expect(seed.status).toBe(502);
      expect(((await seed.json()) as { detail: string }).detail).toContain("connection refused");
      const me = await (await offline.request("/api/v1/auth/me", { token: acct.token })).json() as { quota_used: number };
      expect(me.quota_used).toBe(0);
    } finally {
      await offline.close();
    }
  });

  test("a stream cut mid-way ends with an error event, no [DONE], and gives the quota back", async () => {
    const cutter = startCuttingUpstream();
    const cutting = await createTestHub({ backend: setup.backend, redis: setup.redis, env: { UPSTREAM_BASE_URL: cutter.url, UPSTREAM_MODELS: "fake-model" } });
    try {
      const acct = await registerUser(cutting);
      const k = (await createKey(cutting, acct.token)).key;
      const events = await readSse(await cutting.request("/v1/chat/completions", { method: "POST", token: k, json: chat("cut me", { stream: true }) }));
      expect(JSON.parse(events[0]!.data).choices[0].delta.content).toBe("Hello");
      expect(events.at(-1)!.data).not.toBe("[DONE]");
      expect(JSON.parse(events.at(-1)!.data).error.code).toBe("upstream_failed");
      const me = await (await cutting.request("/api/v1/auth/me", { token: acct.token })).json() as { quota_used: number };
      expect(me.quota_used).toBe(0);
    } finally {
      await cutting.close();
      cutter.stop();
    }
  });

  test("an upstream error event mid-stream reaches the client once, in the hub's shape, and refunds the quota", async () => {
    const before = await quotaUsed();
    const events = await readSse(await post(chat("fail midway !errorevent", { stream: true })));
    const errors = events.filter((e) => e.data.includes("\"error\""));
    expect(errors).toHaveLength(1);
    expect(JSON.parse(errors[0]!.data).error).toMatchObject({ type: "upstream_error", code: "upstream_failed" });
    expect(JSON.parse(errors[0]!.data).error.message).toContain("provider overloaded");
    expect(events.at(-1)!.data).not.toBe("[DONE]");
    expect(await quotaUsed()).toBe(before);
  });

  test("a client that disconnects mid-stream aborts the upstream and leaves a record of what was delivered", async () => {
    const controller = new AbortController();
    const r = await f.hub.app.handle(new Request("http://localhost/v1/chat/completions", {
      method: "POST",
      headers: { authorization: `Bearer ${f.key}`, "content-type": "application/json" },
      body: JSON.stringify(chat("abort me !slow:3000", { stream: true })),
      signal: controller.signal,
    }));
    const reader = r.body!.getReader();
    await reader.read();
    controller.abort();
    await reader.cancel();
    for (let i = 0; i < 50; i++) {
      const records = await recordsOf();
      if (records.some((x) => x.outcome === "client_aborted")) break;
      await Bun.sleep(50);
    }
    const aborted = (await recordsOf()).find((x) => x.outcome === "client_aborted")!;
    expect(aborted).toMatchObject({ status: 499, stream: true, tokensEstimated: true });
  });

});
