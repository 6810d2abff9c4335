// Console pages for usage: the dashboard, the usage page with its chart and breakdowns, and its CSV.
import { Elysia } from "elysia";
import { currentUsage, monthTotals, parseDays, recentCalls, usageBreakdown, usageHistory, usageSeries } from "../usage/mod.ts";
import { DashboardPage } from "../../views/pages/dashboard.tsx";
import { UsagePage, UsagePeriod } from "../../views/pages/usage.tsx";
import type { VerifyBannerState } from "../../views/types.ts";
import { type ConsoleDeps, consoleSession, requireUser } from "./session.ts";

/** ?days= for the console: a bad value falls back to 30 days instead of an error page. */
function daysOf(raw: string | undefined): number {
  try {
    return parseDays(raw, 30);
  } catch {
    return 30;
  }
}

/** The verification banner after a resend without JavaScript (?verify=sent, ?verify=wait&retry=N), else the plain one. */
function verifyBanner(query: Record<string, string | undefined>): VerifyBannerState {
  if (query.verify === "sent") return { state: "sent" };
  const retry = Number(query.retry);
  if (query.verify === "wait" && Number.isSafeInteger(retry) && retry > 0) return { state: "wait", retryAfterSec: retry };
  return { state: "unverified" };
}

/** The dashboard and usage pages. */
export function usagePages(deps: ConsoleDeps) {
  const { database: { db }, config, limits } = deps;
  return new Elysia()
    .use(consoleSession(deps))
    .onBeforeHandle(requireUser)
    .get("/dashboard", async ({ page, user, query, html }) => {
      const u = user!;
      const [usage, month, recent] = await Promise.all([currentUsage(limits, u), monthTotals(db, u.id), recentCalls(db, u.id, { limit: 10 })]);
      return html(DashboardPage({
        ctx: page,
        plan: u.plan,
        quota: { used: usage.quota_used, total: usage.quota_total, resetAt: usage.quota_reset_at },
        month,
        recent: recent.map((c) => ({ createdAt: c.createdAt.toISOString(), endpoint: c.endpoint, model: c.model, status: c.status, outcome: c.outcome, tokens: c.promptTokens + c.completionTokens, tokensEstimated: c.tokensEstimated, cost: c.cost, latencyMs: c.latencyMs, keyName: c.keyName })),
        noUpstream: config.upstreams.length === 0,
        verify: u.isVerified || !deps.mailer.enabled ? undefined : verifyBanner(query),
      }));
    })
    .get("/dashboard/usage", async ({ page, user, query, htmx, html }) => {
      const days = daysOf(query.days);
      const [series, breakdown, usage] = await Promise.all([usageSeries(db, user!.id, days), usageBreakdown(db, user!.id, days), currentUsage(limits, user!)]);
      const props = {
        ctx: page,
        days,
        series,
        byKey: breakdown.byKey.map((r) => ({ label: r.name, sub: `${r.prefix}…`, requests: r.requests, tokens: r.tokens, cost: r.cost })),
        byModel: breakdown.byModel.map((r) => ({ label: r.model || "—", requests: r.requests, tokens: r.tokens, cost: r.cost })),
        quota: { used: usage.quota_used, total: usage.quota_total, resetAt: usage.quota_reset_at },
      };
      return html(htmx ? UsagePeriod(props) : UsagePage(props));
    })
    .get("/dashboard/usage.csv", async ({ user, query }) => {
      const days = daysOf(query.days);
      const history = await usageHistory(db, user!.id, days);
      const lines = ["date,requests,tokens,cost_usd", ...history.daily_usage.map((d, i) => `${d.date},${d.requests},${history.daily_tokens[i]},${d.cost.toFixed(9)}`)];
      return new Response(lines.join("\n") + "\n", { headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="ai-hub-usage-${days}d.csv"` } });
    });
}
