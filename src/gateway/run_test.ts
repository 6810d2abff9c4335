// runCall(): one call, admitted once and settled once, whatever its plan does — on the in-process limit store.
import { afterEach, describe, expect, test } from "bun:test";
import { HttpError } from "../http/mod.ts";
import type { VerifiedKey } from "../keys/mod.ts";
import { createMemoryLimitStore, type LimitStore } from "../limits/mod.ts";
import { createLogger } from "../log.ts";
import { quotaPeriod } from "../plans/mod.ts";
import type { UsageRecord } from "../usage/mod.ts";
import { settleCall, startCall } from "./call.ts";
import type { GatewayDeps } from "./deps.ts";
import { type CallPlan, runCall } from "./run.ts";

const stores: LimitStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

function setup(options: { rateLimit?: number; quotaLimit?: number; persist?: (record: UsageRecord) => Promise<void> } = {}) {
  const records: UsageRecord[] = [];
  const limits = createMemoryLimitStore({ loadQuota: async () => 0, persist: options.persist ?? (async (record) => void records.push(record)) });
  stores.push(limits);
  const deps: GatewayDeps = { config: { models: [], upstreams: [], defaultModel: "demo", demoChunkDelayMs: 0 }, log: createLogger("silent"), limits, keys: { verify: async () => ({ valid: false, code: "NOT_FOUND" }), invalidate() {}, refresh: async () => {}, close() {} }, router: { open: () => Promise.reject(new Error("no upstreams here")), status: async () => [] }, onQuotaAdmitted() {} };
  const key: VerifiedKey = { keyId: 7, keyHash: "h", keyPrefix: "ai-hub-abcdef", name: "k", userId: 3, plan: "free", rateLimit: options.rateLimit ?? 10, quotaLimit: options.quotaLimit ?? 100, expiresAt: null };
  const quotaUsed = () => limits.quotaUsed(key.userId, quotaPeriod().key);
  return { deps, key, records, quotaUsed };
}

const okPlan = (body = "hi"): CallPlan => ({
  countsQuota: true,
  model: "m",
  run: async () => ({ kind: "reply", outcome: { status: 200, outcome: "ok", countsQuota: true, model: "m" }, response: new Response(body) }),
});

async function thrown(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error("expected an HttpError");
}

describe("runCall()", () => {
  test("a successful call is charged once, recorded once and answers with the limit headers", async () => {
    const { deps, key, records, quotaUsed } = setup();
    const call = startCall(key, "/v1/chat/completions", "call-1");
    const response = await runCall(deps, call, () => okPlan());
    expect(await response.text()).toBe("hi");
    expect(response.headers.get("x-ratelimit-limit")).toBe("10");
    expect(response.headers.get("x-quota-remaining")).toBe("99");
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ id: "call-1", outcome: "ok", countsQuota: true, status: 200 });
    expect(await quotaUsed()).toBe(1);
  });

  test("input refused while preparing counts toward the rate limit, never the quota", async () => {
    const { deps, key, records, quotaUsed } = setup();
    const call = startCall(key, "/v1/chat/completions");
    const error = await thrown(runCall(deps, call, () => {
      throw new HttpError("validation", "Missing field 'messages'", { param: "messages" });
    }));
    expect(error.status).toBe(422);
    expect(error.headers["x-ratelimit-remaining"]).toBe("9");
    expect(records[0]).toMatchObject({ outcome: "invalid_request", status: 422, countsQuota: false });
    expect(await quotaUsed()).toBe(0);
  });

  test("a rate-limited call is recorded as refused, charges nothing and says when to retry", async () => {
    const { deps, key, records, quotaUsed } = setup({ rateLimit: 1 });
    await runCall(deps, startCall(key, "/x"), () => okPlan());
    const error = await thrown(runCall(deps, startCall(key, "/x"), () => okPlan()));
    expect(error.status).toBe(429);
    expect(Number(error.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(records.map((r) => r.outcome)).toEqual(["ok", "rate_limited"]);
    expect(await quotaUsed()).toBe(1);
  });

  test("a failed run gives its quota reservation back", async () => {
    const { deps, key, records, quotaUsed } = setup();
    const error = await thrown(runCall(deps, startCall(key, "/x"), () => ({
      countsQuota: true,
      model: "m",
      run: async () => ({ kind: "failed", outcome: { status: 502, outcome: "upstream_error" }, error: new HttpError("upstream_failed", "Upstream a failed: HTTP 500") }),
    })));
    expect(error.status).toBe(502);
    expect(records[0]).toMatchObject({ outcome: "upstream_error", countsQuota: false });
    expect(await quotaUsed()).toBe(0);
  });

  test("a bug inside a run answers 500 and still settles, refunding the reservation", async () => {
    const { deps, key, records, quotaUsed } = setup();
    const error = await thrown(runCall(deps, startCall(key, "/x"), () => ({
      countsQuota: true,
      model: "m",
      run: async () => {
        throw new TypeError("boom");
      },
    })));
    expect(error.status).toBe(500);
    expect(records[0]).toMatchObject({ outcome: "internal_error", countsQuota: false });
    expect(await quotaUsed()).toBe(0);
  });

  test("a stream is settled when it ends, and learns whether its record is durable before its last event", async () => {
    const { deps, key, records, quotaUsed } = setup();
    const ended = Promise.withResolvers<{ status: number; outcome: "ok"; countsQuota: boolean }>();
    const settled = Promise.withResolvers<HttpError | null>();
    const response = await runCall(deps, startCall(key, "/x"), () => ({
      countsQuota: true,
      model: "m",
      run: async () => ({ kind: "stream", response: new Response("data: x\n\n"), ended: ended.promise, settled: settled.resolve }),
    }));
    expect(response.headers.get("x-quota-remaining")).toBe("99");
    expect(records).toHaveLength(0);
    ended.resolve({ status: 200, outcome: "ok", countsQuota: true });
    expect(await settled.promise).toBeNull();
    expect(records).toHaveLength(1);
    expect(await quotaUsed()).toBe(1);
  });

  test("a record that cannot be made durable answers 503 and is not charged", async () => {
    const { deps, key, quotaUsed } = setup({ persist: async () => Promise.reject(new Error("disk full")) });
    const error = await thrown(runCall(deps, startCall(key, "/x"), () => okPlan()));
    expect(error.status).toBe(503);
    expect(await quotaUsed()).toBe(0);
  });
});

describe("settleCall()", () => {
  test("settling a call twice writes one record", async () => {
    const { deps, key, records } = setup();
    const call = startCall(key, "/x");
    await settleCall(deps, call, { status: 200, outcome: "ok" });
    await settleCall(deps, call, { status: 200, outcome: "ok" });
    expect(records).toHaveLength(1);
  });

  test("text and numbers from upstreams are stored safely: no NUL, bounded tokens and cost", async () => {
    const { deps, key, records } = setup();
    await settleCall(deps, startCall(key, "/x"), { status: 502, outcome: "upstream_error", error: "bad\u0000byte", promptTokens: 1e12, completionTokens: -5, cost: Number.NaN });
    expect(records[0]).toMatchObject({ error: "badbyte", promptTokens: 2 ** 31 - 1, completionTokens: 0, cost: 0 });
  });
});
