// Usage read from the rollups: every day present, totals, breakdowns, keyset pages and the quota view, on PGlite.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createKey, createTestHub, registerUser, type TestHub } from "../testing/harness.ts";
import type { UsageRecord } from "./record.ts";
import { keyRecentCalls } from "./logs.ts";
import { currentUsage, monthTotals, recentCalls, usageBreakdown, usageHistory, usageSeries } from "./stats.ts";
import { writeUsageBatch } from "./store.ts";

const NOW = new Date(Date.UTC(2026, 10, 20, 12));
const day = (n: number) => new Date(NOW.getTime() - n * 86_400_000);

let hub: TestHub;
let userId: number;
let keys: number[];

function record(overrides: Partial<UsageRecord> & { createdAt: string }): UsageRecord {
  return {
    id: crypto.randomUUID(), userId, apiKeyId: keys[0]!, endpoint: "/v1/chat/completions", model: "m1", upstream: "u", status: 200,
    outcome: "ok", countsQuota: true, promptTokens: 10, completionTokens: 5, tokensEstimated: false, cost: 0.001, latencyMs: 20,
    ttfbMs: 5, stream: false, error: null, quotaPeriod: "2026-11-01", ...overrides,
  };
}

beforeAll(async () => {
  hub = await createTestHub({ backend: "pglite" });
  const account = await registerUser(hub);
  userId = account.user.id;
  keys = [(await createKey(hub, account.token, { name: "first" })).id, (await createKey(hub, account.token, { name: "second" })).id];
  await writeUsageBatch(hub.runtime.deps.database.db, [
    record({ createdAt: day(0).toISOString() }),
    record({ createdAt: day(0).toISOString(), apiKeyId: keys[1]!, model: "m2", cost: 0.002 }),
    record({ createdAt: day(2).toISOString(), status: 502, outcome: "upstream_error", countsQuota: false, cost: 0 }),
    record({ createdAt: day(40).toISOString(), quotaPeriod: "2026-10-01" }),
  ]);
}, 60_000);
afterAll(() => hub.close());

describe("usage stats", () => {
  test("usageHistory() has every day of the window, zeros included, and totals of those days only", async () => {
    const history = await usageHistory(hub.runtime.deps.database.db, userId, 7, NOW);
    expect(history.daily_usage.map((d) => d.date)).toEqual([6, 5, 4, 3, 2, 1, 0].map((n) => day(n).toISOString().slice(0, 10)));
    expect(history.daily_usage.map((d) => d.requests)).toEqual([0, 0, 0, 0, 1, 0, 2]);
    expect(history.total_requests).toBe(3);
    expect(history.total_cost).toBeCloseTo(0.003, 9);
    expect(history.daily_tokens.at(-1)).toBe(30);
  });

  test("usageBreakdown() totals per key and per model, busiest first", async () => {
    const { byKey, byModel } = await usageBreakdown(hub.runtime.deps.database.db, userId, 7, NOW);
    expect(byKey.map((k) => [k.name, k.requests])).toEqual([["first", 2], ["second", 1]]);
    expect(byModel.map((m) => [m.model, m.requests, m.successful])).toEqual([["m1", 2, 1], ["m2", 1, 1]]);
  });

  test("recentCalls() pages newest first by (created_at, id) without repeating a call", async () => {
    const db = hub.runtime.deps.database.db;
    const first = await recentCalls(db, userId, { limit: 2 });
    const last = first.at(-1)!;
    const second = await recentCalls(db, userId, { limit: 2, before: { createdAt: last.createdAt, id: last.id } });
    const ids = [...first, ...second].map((c) => c.id);
    expect(new Set(ids).size).toBe(4);
    expect([...first, ...second].map((c) => c.createdAt.getTime())).toEqual([...first, ...second].map((c) => c.createdAt.getTime()).sort((a, b) => b - a));
  });

  test("monthTotals() counts this quota period only", async () => {
    expect(await monthTotals(hub.runtime.deps.database.db, userId, NOW)).toEqual({ requests: 3, tokens: 45, cost: expect.closeTo(0.003, 9) as unknown as number });
  });

  test("currentUsage() reads the live counter and says when the quota resets", async () => {
    const usage = await currentUsage({ quotaUsed: async () => 2_500 }, { id: userId, plan: "free", monthlyQuota: 10_000 }, NOW);
    expect(usage).toEqual({ quota_used: 2_500, quota_total: 10_000, quota_remaining: 7_500, quota_percentage: 25, quota_reset_at: "2026-12-01T00:00:00.000Z", days_until_reset: 11, plan: "free" });
    expect((await currentUsage({ quotaUsed: async () => 12 }, { id: userId, plan: "free", monthlyQuota: 10 }, NOW)).quota_remaining).toBe(0);
  });

  test("usageSeries() splits each day's requests into ok and errors, and tokens and cost by model", async () => {
    const series = await usageSeries(hub.runtime.deps.database.db, userId, 7, { now: NOW });
    expect(series.days.map((d) => d.date)).toEqual([6, 5, 4, 3, 2, 1, 0].map((n) => day(n).toISOString().slice(0, 10)));
    expect(series.days.map((d) => [d.ok, d.errors])).toEqual([[0, 0], [0, 0], [0, 0], [0, 0], [0, 1], [0, 0], [2, 0]]);
    expect(series.models).toEqual(["m1", "m2"]);
    // Today: m1 and m2 with 15 tokens each; two days ago the failed m1 call still used 15 tokens and cost nothing.
    expect(series.days.at(-1)!.tokens).toEqual([15, 15]);
    expect(series.days.at(-1)!.cost).toEqual([0.001, 0.002]);
    expect(series.days.at(-3)!.tokens).toEqual([15, 0]);
    expect(series.totals).toEqual({ requests: 3, ok: 2, errors: 1, tokens: 45, cost: 0.003 });
  });

  test("usageSeries() for one key counts that key's calls only", async () => {
    const series = await usageSeries(hub.runtime.deps.database.db, userId, 7, { now: NOW, keyId: keys[1]! });
    expect(series.models).toEqual(["m2"]);
    expect(series.totals).toEqual({ requests: 1, ok: 1, errors: 0, tokens: 15, cost: 0.002 });
  });

  test("usageSeries() keeps the busiest models by tokens and sums the rest as one 'other' series", async () => {
    const account = await registerUser(hub);
    const key = await createKey(hub, account.token, { name: "many models" });
    const mine = (model: string, tokens: number, extra: Partial<UsageRecord> = {}) => record({ createdAt: day(1).toISOString(), userId: account.user.id, apiKeyId: key.id, model, promptTokens: tokens, completionTokens: 0, ...extra });
    await writeUsageBatch(hub.runtime.deps.database.db, [
      mine("a", 500), mine("b", 400), mine("c", 300), mine("d", 200), mine("e", 100), mine("f", 50),
      mine("", 0, { model: null, endpoint: "/v1/models", cost: 0 }),
      mine("g", 0, { status: 429, outcome: "rate_limited", cost: 0 }),
    ]);
    const series = await usageSeries(hub.runtime.deps.database.db, account.user.id, 7, { now: NOW, topModels: 4 });
    expect(series.models).toEqual(["a", "b", "c", "d", null]);
    expect(series.days.at(-2)!.tokens).toEqual([500, 400, 300, 200, 150]);
    expect(series.days.at(-2)!.ok).toBe(7);
    expect(series.days.at(-2)!.errors).toBe(1);
    // With room for every model, none is folded into "other".
    expect((await usageSeries(hub.runtime.deps.database.db, account.user.id, 7, { now: NOW, topModels: 6 })).models).toEqual(["a", "b", "c", "d", "e", "f"]);
  });

  test("usageSeries() of a user without calls is every day at zero, with no model series", async () => {
    const account = await registerUser(hub);
    const series = await usageSeries(hub.runtime.deps.database.db, account.user.id, 30, { now: NOW });
    expect(series.days).toHaveLength(30);
    expect(series.models).toEqual([]);
    expect(series.totals).toEqual({ requests: 0, ok: 0, errors: 0, tokens: 0, cost: 0 });
  });

  test("keyRecentCalls() lists one key's calls, newest first, reaching back to older days when recent ones are few", async () => {
    const db = hub.runtime.deps.database.db;
    const calls = await keyRecentCalls(db, userId, keys[0]!, { limit: 10 });
    expect(calls.map((c) => c.createdAt.getTime())).toEqual([day(0), day(2), day(40)].map((d) => d.getTime()));
    expect(calls.every((c) => c.keyName === "first")).toBe(true);
    expect((await keyRecentCalls(db, userId, keys[0]!, { limit: 1 })).map((c) => c.createdAt.getTime())).toEqual([day(0).getTime()]);
    expect((await keyRecentCalls(db, userId, keys[1]!)).map((c) => c.model)).toEqual(["m2"]);
    // Another user's key id gives nothing.
    expect(await keyRecentCalls(db, userId + 100_000, keys[0]!)).toEqual([]);
  });

  test("summed costs read as a person would write them, not with the doubles' noise (0.1 + 0.2 is 0.3)", async () => {
    const account = await registerUser(hub);
    const key = (await createKey(hub, account.token, { name: "noise" })).id;
    await writeUsageBatch(hub.runtime.deps.database.db, [0.1, 0.2].map((cost) => record({ createdAt: day(0).toISOString(), userId: account.user.id, apiKeyId: key, cost })));
    expect((await monthTotals(hub.runtime.deps.database.db, account.user.id, NOW)).cost).toBe(0.3);
    expect((await usageHistory(hub.runtime.deps.database.db, account.user.id, 7, NOW)).total_cost).toBe(0.3);
  });
});
