// Payloads of the usage API as `t` schemas: the history query (the console's period picker reads it too) and the responses.
import { t } from "elysia";
import { parsePayload } from "../http/mod.ts";

export const historyQuery = t.Object({
  days: t.Optional(t.Integer({ minimum: 1, maximum: 365, error: "must be an integer from 1 to 365", description: "How many days back, today included" })),
});

/** Reads ?days= by the history query's schema (1–365, default 30); throws 422 naming the field. */
export function parseDays(raw: string | undefined, fallback = 30): number {
  const days = raw === undefined || raw === "" ? {} : { days: Number(raw) };
  return parsePayload(historyQuery, days).days ?? fallback;
}

export const currentUsageSchema = t.Object({
  quota_used: t.Integer(),
  quota_total: t.Integer(),
  quota_remaining: t.Integer(),
  quota_percentage: t.Number(),
  quota_reset_at: t.String({ format: "date-time" }),
  days_until_reset: t.Integer(),
  plan: t.String(),
}, { $id: "UsageCurrent" });
export type CurrentUsage = typeof currentUsageSchema.static;

export const usageHistorySchema = t.Object({
  daily_usage: t.Array(t.Object({ date: t.String({ format: "date" }), requests: t.Integer(), cost: t.Number({ description: "USD" }) }), { description: "Every day of the period, oldest first, zeros included" }),
  total_requests: t.Integer(),
  total_cost: t.Number({ description: "USD" }),
  period_start: t.String({ format: "date-time" }),
  period_end: t.String({ format: "date-time" }),
}, { $id: "UsageHistory" });
