// The usage page: range switch (htmx swaps only the chart block), chart, quota, per-key and per-model tables, CSV.
import type { BreakdownRow, ChartSeries, PageContext, QuotaView } from "../types.ts";
import { QuotaBar } from "../components/quota_bar.tsx";
import { BaseLayout } from "../layouts/base.tsx";
import { UsageChart } from "../partials/usage_chart.tsx";

export interface UsageProps {
  ctx: PageContext;
  days: number;
  series: ChartSeries;
  byKey: BreakdownRow[];
  byModel: BreakdownRow[];
  quota: QuotaView;
}

function BreakdownTable(props: { ctx: PageContext; label: string; rows: BreakdownRow[] }): JSX.Element {
  const { ctx } = props;
  if (props.rows.length === 0) return <p class="muted" safe>{ctx.t("usage.none")}</p>;
  return (
    <div class="table-wrap">
      <table class="cards">
        <thead><tr><th scope="col" safe>{props.label}</th><th scope="col" class="num" safe>{ctx.t("usage.requests")}</th><th scope="col" class="num opt" safe>{ctx.t("usage.col.tokens")}</th><th scope="col" class="num">USD</th></tr></thead>
        <tbody>
          {props.rows.map((r) => (
            <tr>
              <td class="name"><span safe>{r.label}</span>{r.sub ? <div class="small muted mono" safe>{r.sub}</div> : ""}</td>
              <td class="num" data-label={ctx.t("usage.requests")} safe>{r.requests.toLocaleString("en-US")}</td>
              <td class="num opt" data-label={ctx.t("usage.col.tokens")} safe>{r.tokens.toLocaleString("en-US")}</td>
              <td class="num" data-label="USD" safe>{r.cost.toFixed(6)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The part a range switch replaces: tabs, chart and breakdowns for `days`. */
export function UsagePeriod(props: UsageProps): JSX.Element {
  const { ctx } = props;
  return (
    <div id="usage-period">
      <div class="toolbar">
        <nav class="tabs" aria-label={ctx.t("usage.range")}>
          {[7, 30, 90].map((n) => (
            <a href={`/dashboard/usage?days=${n}`} hx-get={`/dashboard/usage?days=${n}`} hx-target="#usage-period" hx-swap="outerHTML" hx-push-url="true" aria-current={n === props.days ? "true" : undefined} safe>{ctx.t("usage.days", { n })}</a>
          ))}
        </nav>
        <a class="button secondary" href={`/dashboard/usage.csv?days=${props.days}`} download="" safe>{ctx.t("usage.csv")}</a>
      </div>
      <div class="card">
        <UsageChart ctx={ctx} days={props.days} series={props.series} />
      </div>
      <div class="grid cols-2 spaced">
        <div class="card"><h2 safe>{ctx.t("usage.byKey")}</h2><BreakdownTable ctx={ctx} label={ctx.t("usage.col.key")} rows={props.byKey} /></div>
        <div class="card"><h2 safe>{ctx.t("usage.byModel")}</h2><BreakdownTable ctx={ctx} label={ctx.t("usage.col.model")} rows={props.byModel} /></div>
      </div>
    </div>
  );
}

export function UsagePage(props: UsageProps): JSX.Element {
  const { ctx } = props;
  return (
    <BaseLayout ctx={ctx} title={ctx.t("usage.title")}>
      <h1 safe>{ctx.t("usage.title")}</h1>
      <div class="card below">
        <h2 safe>{ctx.t("dashboard.quota")}</h2>
        <QuotaBar ctx={ctx} quota={props.quota} explain />
      </div>
      <UsagePeriod {...props} />
    </BaseLayout>
  );
}
