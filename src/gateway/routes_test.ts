// The developer API against a real HTTP upstream on loopback, on in-process limits + PGlite and on Redis + PostgreSQL.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { apiKeys, usageRecords, users } from "../db/schema/mod.ts";
import { hashApiKey } from "../keys/mod.ts";
import { type FakeUpstream, startCuttingUpstream, startFakeUpstream } from "../testing/fake_upstream.ts";
import { createKey, createTestHub, registerUser, type TestHub } from "../testing/harness.ts";
import { readSse } from "../testing/sse.ts";

const SETUPS = [
  { name: "in-process limits on PGlite", backend: "pglite" as const, redis: false },
  { name: "Redis limits on PostgreSQL", backend: "postgres" as const, redis: true },
];

const chat = (content: string, extra: Record<string, unknown> = {}) => ({ model: "fake-model", messages: [{ role: "user", content }], ...extra });

for (const setup of SETUPS) {
  describe(`developer API with ${setup.name}`, () => {
    let hub: TestHub;
    let upstream: FakeUpstream;
    let key: string;
    let token: string;
    let userId: number;

    beforeAll(async () => {
      upstream = startFakeUpstream({ apiKey: "sk-upstream-secret" });
      hub = await createTestHub({
        backend: setup.backend,
        redis: setup.redis,
        env: { UPSTREAM_BASE_URL: upstream.url, UPSTREAM_API_KEY: "sk-upstream-secret", UPSTREAM_MODELS: "fake-model,other-model", UPSTREAM_INPUT_PRICE: "1", UPSTREAM_OUTPUT_PRICE: "2", UPSTREAM_TIMEOUT_MS: "1000" },
      });
      const account = await registerUser(hub);
      token = account.token;
      userId = account.user.id;
      // A generous limit so this suite's many calls are not rate limited.
      await hub.runtime.deps.database.db.update(users).set({ rateLimitCeiling: 100_000 }).where(eq(users.id, userId));
      key = (await createKey(hub, token, { rate_limit: 100_000 })).key;
    }, 60_000);
    afterAll(async () => {
      await hub.close();
      await upstream.stop();
    });

    const post = (body: unknown, k = key) => hub.request("/v1/chat/completions", { method: "POST", token: k, json: body });
    const quotaUsed = async () => ((await (await hub.request("/api/v1/developer/usage/current", { token })).json()) as { quota_used: number }).quota_used;
    const recordsOf = async () => {
      await hub.runtime.flushUsage();
      return await hub.runtime.deps.database.db.select().from(usageRecords).where(eq(usageRecords.userId, userId));
    };

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
      const sent = upstream.requests.at(-1)!;
      expect(sent.authorization).toBe("Bearer sk-upstream-secret");
      const records = await recordsOf();
      const record = records.find((x) => x.endpoint === "/v1/chat/completions" && x.outcome === "ok" && !x.stream)!;
      expect(record).toMatchObject({ model: "fake-model", upstream: "upstream", status: 200, countsQuota: true, promptTokens: body.usage.prompt_tokens, completionTokens: 6, tokensEstimated: false });
      expect(record.cost).toBeCloseTo((body.usage.prompt_tokens * 1 + 6 * 2) / 1e6, 12);
      expect(record.ttfbMs).not.toBeNull();
    });

    test("unknown request fields reach the upstream; the model is mapped", async () => {
      await post(chat("pass through", { temperature: 0.3, top_p: 0.9, user: "u-1", metadata: { a: 1 } }));
      const sent = upstream.requests.at(-1)!.body;
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
      expect(upstream.requests.at(-1)!.body.stream_options).toEqual({ include_usage: true });
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
      const r = await hub.app.handle(new Request("http://localhost/v1/chat/completions", {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
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

    test("the seed's /api/v1/developer/chat streams content events and a final summary", async () => {
      const r = await hub.request("/api/v1/developer/chat", { method: "POST", token: key, json: { message: "seed stream", model: "fake-model" } });
      expect(r.headers.get("content-type")).toContain("text/event-stream");
      const events = await readSse(r);
      expect(events.at(-1)!.data).toBe("[DONE]");
      const parsed = events.slice(0, -1).map((e) => JSON.parse(e.data));
      expect(parsed.filter((e) => e.content).map((e) => e.content).join("")).toBe("Hello from the fake upstream.");
      const summary = parsed.at(-1);
      expect(summary).toMatchObject({ done: true, model: "fake-model" });
      expect(summary.tokens_used).toBeGreaterThan(6);
      expect(summary.cost).toBeGreaterThan(0);
      expect(typeof summary.quota_remaining).toBe("number");
    });

    test("the seed's non-stream chat returns {response, model, tokens_used, cost} with real values", async () => {
      const r = await hub.request("/api/v1/developer/chat", { method: "POST", token: key, json: { message: "seed json", model: "fake-model", stream: false } });
      expect(r.status).toBe(200);
      const body = await r.json() as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(["cost", "model", "response", "tokens_used"]);
      expect(body.response).toBe("Hello from the fake upstream.");
      expect(body.tokens_used).toBe((upstream.requests.at(-1)!.body.messages as unknown[]).length > 0 ? 7 + Math.ceil("seed json".length / 4) + 6 : 0);
      expect(body.cost).toBeCloseTo(((body.tokens_used as number) - 6 + 12) / 1e6, 12);
    });

    test("models are listed in both shapes", async () => {
      const openai = await (await hub.request("/v1/models", { token: key })).json() as { object: string; data: Array<{ id: string; object: string }> };
      expect(openai.object).toBe("list");
      expect(openai.data.map((m) => m.id)).toEqual(["fake-model", "other-model"]);
      const seed = await (await hub.request("/api/v1/developer/models", { token: key })).json() as { models: Array<Record<string, unknown>> };
      expect(seed.models[0]).toEqual({ id: "fake-model", name: "fake-model", provider: "upstream", type: "chat", free: false });
    });

    test("GET /v1/key describes the calling key", async () => {
      const r = await hub.request("/v1/key", { token: key });
      const { data } = await r.json() as { data: Record<string, unknown> };
      expect(Object.keys(data).sort()).toEqual(["expires_at", "key_prefix", "name", "plan", "quota_limit", "quota_remaining", "quota_reset_at", "quota_used", "rate_limit"]);
      expect(data).toMatchObject({ name: "test key", key_prefix: key.slice(0, 13), plan: "free", rate_limit: 100_000, quota_limit: 10_000 });
      expect(data.quota_reset_at).toBe(new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 1)).toISOString());
    });

    test("key counters and history follow the records", async () => {
      await post(chat("one more"));
      await hub.runtime.flushUsage();
      const [row] = await hub.runtime.deps.database.db.select().from(apiKeys).where(eq(apiKeys.keyHash, hashApiKey(key)));
      const records = await recordsOf();
      expect(row!.totalRequests).toBe(records.length);
      expect(row!.lastUsedAt).not.toBeNull();
      const history = await (await hub.request("/api/v1/developer/usage/history?days=7", { token })).json() as { daily_usage: Array<{ date: string; requests: number; cost: number }>; total_requests: number; total_cost: number };
      expect(history.daily_usage).toHaveLength(7);
      expect(history.daily_usage.at(-1)!.date).toBe(new Date().toISOString().slice(0, 10));
      expect(history.total_requests).toBe(records.length);
      expect(history.total_cost).toBeCloseTo(records.reduce((s, x) => s + x.cost, 0), 9);
      const current = await (await hub.request("/api/v1/developer/usage/current", { token })).json() as Record<string, unknown>;
      expect(current).toMatchObject({ quota_total: 10_000, plan: "free" });
      expect(current.quota_used).toBe(records.filter((x) => x.countsQuota).length);
    });

    test("strange usage numbers from an upstream are coerced, recorded and charged once", async () => {
      const before = await quotaUsed();
      const r = await post(chat("odd counts !weirdusage"));
      expect(r.status).toBe(200);
      await r.text();
      expect(await quotaUsed()).toBe(before + 1);
      const records = await recordsOf();
      expect(records.some((x) => x.promptTokens === 10 && x.completionTokens === 6)).toBe(true);
    });

    test("a model id with a NUL or a lone surrogate is refused and does not block later records", async () => {
      for (const model of ["x\u0000y", "\ud800"]) {
        const r = await post({ ...chat("x"), model });
        expect(r.status).toBe(404);
      }
      const ok = await post(chat("after the odd ones"));
      expect(ok.status).toBe(200);
      const id = ok.headers.get("x-request-id")!;
      await ok.text();
      const records = await recordsOf();
      expect(records.some((x) => x.id === id)).toBe(true);
    });

    test("refused calls count toward the rate limit and carry the limit headers", async () => {
      const acct = await registerUser(hub);
      const k = (await createKey(hub, acct.token, { rate_limit: 2 })).key;
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        const r = await hub.request("/v1/chat/completions", { method: "POST", token: k, json: { ...chat("x"), model: "no-such-model" } });
        statuses.push(r.status);
        expect(r.headers.get("x-ratelimit-limit")).toBe("2");
      }
      expect(statuses).toEqual([404, 404, 429, 429]);
      const me = await (await hub.request("/api/v1/auth/me", { token: acct.token })).json() as { quota_used: number };
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
        ["an unknown model", JSON.stringify({ ...chat("x"), model: "gpt-99" }), 404, "model"],
      ];
      for (const [label, body, status, param] of cases) {
        test(`${label} → ${status}`, async () => {
          const before = await quotaUsed();
          const r = await hub.request("/v1/chat/completions", { method: "POST", token: key, headers: { "content-type": "application/json" }, body });
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
          const r = await hub.request("/api/v1/developer/chat", { method: "POST", token: key, json: body });
          expect(r.status).toBe(422);
          expect(((await r.json()) as { detail: string }).detail).toContain(field);
        }
        const unknown = await hub.request("/api/v1/developer/chat", { method: "POST", token: key, json: { message: "x", model: "nope" } });
        expect(unknown.status).toBe(404);
      });
    });

    describe("every key-protected route refuses bad keys with 401", () => {
      const routes: Array<[string, string, unknown]> = [
        ["POST", "/v1/chat/completions", chat("x")],
        ["GET", "/v1/models", undefined],
        ["GET", "/v1/key", undefined],
        ["POST", "/api/v1/developer/chat", { message: "x" }],
        ["GET", "/api/v1/developer/models", undefined],
      ];
      for (const [method, path, body] of routes) {
        test(`${method} ${path}`, async () => {
          const acct = await registerUser(hub);
          const revoked = await createKey(hub, acct.token, { name: "revoked" });
          await hub.request(`/api/v1/developer/api-keys/${revoked.id}`, { method: "DELETE", token: acct.token });
          const expired = await createKey(hub, acct.token, { name: "expired", expires_in_days: 1 });
          await hub.runtime.deps.database.db.update(apiKeys).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiKeys.id, expired.id));
          hub.runtime.deps.keys.invalidate({ keyHash: hashApiKey(expired.key) });
          const openai = path.startsWith("/v1/");
          const attempts: Array<[string | undefined, string]> = [
            [undefined, "Missing or invalid API key"],
            ["ai-hub-" + "x".repeat(43), "Invalid or expired API key"],
            ["not-even-a-key", "Invalid or expired API key"],
            [revoked.key, "Invalid or expired API key"],
            [expired.key, "Invalid or expired API key"],
            [token, "Invalid or expired API key"],
          ];
          for (const [k, message] of attempts) {
            const r = await hub.request(path, { method, token: k, json: body });
            expect(r.status).toBe(401);
            const json = await r.json() as { detail?: string; error?: { message: string; type: string; code: string } };
            if (openai) expect(json.error).toMatchObject({ message, type: "authentication_error", code: "invalid_api_key" });
            else expect(json.detail).toBe(message);
          }
        });
      }
    });
  });
}
