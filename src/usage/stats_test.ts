// Usage read from the rollups: every day present, totals, breakdowns, keyset pages and the quota view, on PGlite.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createKey, createTestHub, registerUser, type TestHub } from "../testing/harness.ts";
import type { UsageRecord } from "./record.ts";
import { currentUsage, monthTotals, recentCalls, usageBreakdown, usageHistory } from "./stats.ts";
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
});
