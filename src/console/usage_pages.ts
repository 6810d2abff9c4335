// Console pages for usage: the dashboard, the usage page with its chart and breakdowns, and its CSV.
import { Elysia } from "elysia";
import { isExpired, listApiKeys } from "../keys/mod.ts";
import { currentUsage, monthTotals, parseDays, recentCalls, usageBreakdown, usageHistory, usageSeries } from "../usage/mod.ts";
import { DashboardBody, DashboardPage } from "../../views/pages/dashboard.tsx";
import { UsagePage, UsagePeriod } from "../../views/pages/usage.tsx";
import type { OnboardingState, VerifyBannerState } from "../../views/types.ts";
import { hubBaseUrl } from "./render.ts";
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

/** How long the first steps stay on the dashboard, all ticked, after the account's first call. */
const ONBOARDING_AFTERGLOW_MS = 10 * 60_000;

/**
 * The first steps, while the account is new: no call yet, or its first call arrived a few minutes ago (so a reload
 * without JavaScript shows the steps ticked). `recent` is the newest calls, at most `limit` of them.
 */
function onboardingOf(recent: ReadonlyArray<{ createdAt: Date }>, options: { limit: number; hasKey: boolean; baseUrl: string; model: string; now: number }): OnboardingState | undefined {
  const state = { hasKey: options.hasKey, hasCall: recent.length > 0, baseUrl: options.baseUrl, model: options.model };
  if (recent.length === 0) return state;
  const first = recent.at(-1)!;
  return recent.length < options.limit && options.now - first.createdAt.getTime() < ONBOARDING_AFTERGLOW_MS ? state : undefined;
}

/** The dashboard and usage pages. */
export function usagePages(deps: ConsoleDeps) {
  const { database: { db }, config, limits } = deps;
  return new Elysia()
    .use(consoleSession(deps))
    .onBeforeHandle(requireUser)
    .get("/dashboard", async ({ page, user, query, request, htmx, html }) => {
      const u = user!;
      const [usage, month, recent, keys] = await Promise.all([currentUsage(limits, u), monthTotals(db, u.id), recentCalls(db, u.id, { limit: 10 }), listApiKeys(db, u.id)]);
      const props = {
        ctx: page,
        plan: u.plan,
        quota: { used: usage.quota_used, total: usage.quota_total, resetAt: usage.quota_reset_at },
        month,
        recent: recent.map((c) => ({ createdAt: c.createdAt.toISOString(), endpoint: c.endpoint, model: c.model, status: c.status, outcome: c.outcome, tokens: c.promptTokens + c.completionTokens, tokensEstimated: c.tokensEstimated, cost: c.cost, latencyMs: c.latencyMs, keyName: c.keyName })),
        noUpstream: config.upstreams.length === 0,
        verify: u.isVerified || !deps.mailer.enabled ? undefined : verifyBanner(query),
        onboarding: onboardingOf(recent, { limit: 10, hasKey: keys.some((k) => k.isActive && !isExpired(k)), baseUrl: hubBaseUrl(request, config), model: config.defaultModel, now: Date.now() }),
      };
      // htmx asks again while the first steps wait for a call: the part of the page that changes.
      return html(htmx ? DashboardBody(props) : DashboardPage(props));
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
