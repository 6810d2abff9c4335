// The dashboard: plan, quota bar, this month's requests / tokens / cost, and the last calls.
import type { CallRow, PageContext, QuotaView, VerifyBannerState } from "../types.ts";
import { QuotaBar } from "../components/quota_bar.tsx";
import { BaseLayout } from "../layouts/base.tsx";
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
}

export function CallsTable(props: { ctx: PageContext; calls: CallRow[] }): JSX.Element {
  const { ctx } = props;
  if (props.calls.length === 0) return <p class="muted" safe>{ctx.t("dashboard.noCalls")}</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col" class="opt" safe>{ctx.t("keys.col.created")}</th>
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
              <td class="mono opt" safe>{c.createdAt.replace("T", " ").slice(0, 19)}</td>
              <td class="name" safe>{c.keyName}</td>
              <td class="mono" safe>{c.model ?? c.endpoint}</td>
              <td><span class={`badge ${c.status < 400 ? "ok" : c.status < 500 ? "warn" : "off"}`} title={c.outcome} safe>{String(c.status)}</span></td>
              <td class="num" safe>{`${c.tokens}${c.tokensEstimated ? "*" : ""}`}</td>
              <td class="num" safe>{c.cost.toFixed(6)}</td>
              <td class="num opt" safe>{String(c.latencyMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
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
    </BaseLayout>
  );
}
