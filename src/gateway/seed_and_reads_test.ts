// The seed's chat route, the metered reads (models, key) and the counters that follow records, on both setups.
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { apiKeys } from "../db/schema/mod.ts";
import { hashApiKey } from "../keys/mod.ts";
import { readSse } from "../testing/sse.ts";
import { chat, describeGatewaySetups } from "../testing/gateway_fixture.ts";

describeGatewaySetups((f) => {
  const post = (body: unknown, k?: string) => f.post(body, k);
  const quotaUsed = () => f.quotaUsed();
  const recordsOf = () => f.recordsOf();

  test("the seed's /api/v1/developer/chat streams content events and a final summary", async () => {
    const r = await f.hub.request("/api/v1/developer/chat", { method: "POST", token: f.key, json: { message: "seed stream", model: "fake-model" } });
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
    const r = await f.hub.request("/api/v1/developer/chat", { method: "POST", token: f.key, json: { message: "seed json", model: "fake-model", stream: false } });
    expect(r.status).toBe(200);
    const body = await r.json() as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["cost", "model", "response", "tokens_used"]);
    expect(body.response).toBe("Hello from the fake upstream.");
    expect(body.tokens_used).toBe((f.upstream.requests.at(-1)!.body.messages as unknown[]).length > 0 ? 7 + Math.ceil("seed json".length / 4) + 6 : 0);
    expect(body.cost).toBeCloseTo(((body.tokens_used as number) - 6 + 12) / 1e6, 12);
  });

  test("models are listed in both shapes", async () => {
    const openai = await (await f.hub.request("/v1/models", { token: f.key })).json() as { object: string; data: Array<{ id: string; object: string }> };
    expect(openai.object).toBe("list");
    expect(openai.data.map((m) => m.id)).toEqual(["fake-model", "other-model"]);
    const seed = await (await f.hub.request("/api/v1/developer/models", { token: f.key })).json() as { models: Array<Record<string, unknown>> };
    expect(seed.models[0]).toEqual({ id: "fake-model", name: "fake-model", provider: "upstream", type: "chat", free: false });
  });

  test("GET /v1/models/{model} answers the model as the list does, counting toward the rate limit only", async () => {
    const listed = await (await f.hub.request("/v1/models", { token: f.key })).json() as { data: Array<{ id: string }> };
    const before = await quotaUsed();
    const r = await f.hub.request("/v1/models/other-model", { token: f.key });
    expect(r.status).toBe(200);
    expect(r.headers.get("x-ratelimit-limit")).toBe("100000");
    expect(await r.json()).toEqual(listed.data.find((m) => m.id === "other-model")!);
    expect(await quotaUsed()).toBe(before);
  });

  test("GET /v1/models/{model} answers an unknown model with 404 model_not_found in OpenAI's shape", async () => {
    const r = await f.hub.request(`/v1/models/${encodeURIComponent("vendor/nope")}`, { token: f.key });
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({ error: { message: "The model 'vendor/nope' does not exist. GET /v1/models lists the available models.", type: "invalid_request_error", code: "model_not_found", param: "model" } });
  });

  test("GET /v1/key describes the calling key", async () => {
    const r = await f.hub.request("/v1/key", { token: f.key });
    const { data } = await r.json() as { data: Record<string, unknown> };
    expect(Object.keys(data).sort()).toEqual(["expires_at", "key_prefix", "name", "plan", "quota_limit", "quota_remaining", "quota_reset_at", "quota_used", "rate_limit"]);
    expect(data).toMatchObject({ name: "test key", key_prefix: f.key.slice(0, 13), plan: "free", rate_limit: 100_000, quota_limit: 10_000 });
    expect(data.quota_reset_at).toBe(new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 1)).toISOString());
  });

  test("key counters and history follow the records", async () => {
    await post(chat("one more"));
    await f.hub.runtime.flushUsage();
    const [row] = await f.hub.runtime.deps.database.db.select().from(apiKeys).where(eq(apiKeys.keyHash, hashApiKey(f.key)));
    const records = await recordsOf();
    expect(row!.totalRequests).toBe(records.length);
    expect(row!.lastUsedAt).not.toBeNull();
    const history = await (await f.hub.request("/api/v1/developer/usage/history?days=7", { token: f.token })).json() as { daily_usage: Array<{ date: string; requests: number; cost: number }>; total_requests: number; total_cost: number };
    expect(history.daily_usage).toHaveLength(7);
    expect(history.daily_usage.at(-1)!.date).toBe(new Date().toISOString().slice(0, 10));
    expect(history.total_requests).toBe(records.length);
    expect(history.total_cost).toBeCloseTo(records.reduce((s, x) => s + x.cost, 0), 9);
    const current = await (await f.hub.request("/api/v1/developer/usage/current", { token: f.token })).json() as Record<string, unknown>;
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

});
