// The dashboard: first steps for a new account, plan, quota bar, this month's requests / tokens / cost, and the last calls.
import type { CallRow, OnboardingState, PageContext, QuotaView, VerifyBannerState } from "../types.ts";
import { QuotaBar } from "../components/quota_bar.tsx";
import { Time } from "../components/time.tsx";
import { BaseLayout } from "../layouts/base.tsx";
import { Onboarding } from "../partials/onboarding.tsx";
import { VerifyBanner } from "../partials/verify_banner.tsx";

export interface DashboardProps {
  ctx: PageContext;
  plan: string;
  quota: QuotaView;
  month: { requests: number; tokens: number; cost: number };
  recent: CallRow[];
  noUpstream: boolean;
  /** Set while the email address is unverified (and mail can be sent). */
  verify?: VerifyBannerState;
  /** The first steps, while the account is new (no call yet, or its first call just arrived). */
  onboarding?: OnboardingState;
}

export function CallsTable(props: { ctx: PageContext; calls: CallRow[] }): JSX.Element {
  const { ctx } = props;
  if (props.calls.length === 0) return <p class="muted" safe>{ctx.t("dashboard.noCalls")}</p>;
  return (
    <div class="table-wrap">
      <table class="cards">
        <thead>
          <tr>
            <th scope="col" class="opt" safe>{ctx.t("logs.col.time")}</th>
            <th scope="col" safe>{ctx.t("usage.col.key")}</th>
            <th scope="col" safe>{ctx.t("usage.col.model")}</th>
            <th scope="col">HTTP</th>
            <th scope="col" class="num" safe>{ctx.t("usage.col.tokens")}</th>
            <th scope="col" class="num">USD</th>
            <th scope="col" class="num opt">ms</th>
          </tr>
        </thead>
        <tbody>
          {props.calls.map((c) => (
            <tr>
              <td class="mono opt" data-label={ctx.t("logs.col.time")}><Time iso={c.createdAt} /></td>
              <td class="name" data-label={ctx.t("usage.col.key")} safe>{c.keyName}</td>
              <td class="mono" data-label={ctx.t("usage.col.model")} safe>{c.model ?? c.endpoint}</td>
              <td data-label="HTTP"><span class={`badge ${c.status < 400 ? "ok" : c.status < 500 ? "warn" : "off"}`} title={c.outcome} safe>{String(c.status)}</span></td>
              <td class="num" data-label={ctx.t("usage.col.tokens")} safe>{`${c.tokens}${c.tokensEstimated ? "*" : ""}`}</td>
              <td class="num" data-label="USD" safe>{c.cost.toFixed(6)}</td>
              <td class="num opt" data-label="ms" safe>{String(c.latencyMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Everything that changes when calls arrive; while the first steps wait for a call, htmx fetches it again every few
 * seconds (GET /dashboard answers htmx with this fragment), and stops once the call is there. Without JavaScript a
 * reload shows the same.
 */
export function DashboardBody(props: DashboardProps): JSX.Element {
  const { ctx } = props;
  const waiting = props.onboarding !== undefined && !props.onboarding.hasCall;
  return (
    <div id="dashboard-body" hx-get={waiting ? "/dashboard" : undefined} hx-trigger={waiting ? "every 3s" : undefined} hx-swap={waiting ? "outerHTML" : undefined}>
      {props.onboarding ? <Onboarding ctx={ctx} state={props.onboarding} /> : ""}
      <div class="grid cols-4">
        <div class="card stat"><div class="label" safe>{ctx.t("dashboard.plan")}</div><div class="value" safe>{props.plan}</div></div>
        <div class="card stat"><div class="label" safe>{ctx.t("dashboard.requests")}</div><div class="value" safe>{props.month.requests.toLocaleString("en-US")}</div></div>
        <div class="card stat"><div class="label" safe>{ctx.t("dashboard.tokens")}</div><div class="value" safe>{props.month.tokens.toLocaleString("en-US")}</div></div>
        <div class="card stat"><div class="label" safe>{ctx.t("dashboard.cost")}</div><div class="value" safe>{`$${props.month.cost.toFixed(4)}`}</div></div>
      </div>
      <div class="card spaced">
        <h2 safe>{ctx.t("dashboard.quota")}</h2>
        <QuotaBar ctx={ctx} quota={props.quota} explain />
      </div>
      <div class="card spaced">
        <h2 safe>{ctx.t("dashboard.recent")}</h2>
        <CallsTable ctx={ctx} calls={props.recent} />
      </div>
    </div>
  );
}

export function DashboardPage(props: DashboardProps): JSX.Element {
  const { ctx } = props;
  return (
    <BaseLayout ctx={ctx} title={ctx.t("dashboard.title")}>
      <h1 safe>{ctx.t("dashboard.title")}</h1>
      {props.verify ? <VerifyBanner ctx={ctx} banner={props.verify} /> : ""}
      {props.noUpstream ? <p class="notice" role="note" safe>{ctx.t("dashboard.noUpstream")}</p> : ""}
      <p class="muted small"><a href="/docs" safe>{ctx.t("dashboard.docsLink")}</a></p>
      <DashboardBody {...props} />
    </BaseLayout>
  );
}
