// /admin: today and this month, a 30-day chart, top users, models and keys, the upstreams and their health.
import { UsageChart } from "../../partials/usage_chart.tsx";
import type { AdminOverviewProps, AdminTotals, AdminUpstreamHealth } from "../../types_admin.ts";
import type { PageContext } from "../../types.ts";
import { AdminLayout } from "./layout.tsx";

function Totals(props: { ctx: PageContext; label: string; totals: AdminTotals }): JSX.Element {
  const { ctx, totals } = props;
  const stats: Array<[string, string]> = [
    [ctx.t("admin.requests"), totals.requests.toLocaleString("en-US")],
    [ctx.t("admin.tokens"), totals.tokens.toLocaleString("en-US")],
    [ctx.t("admin.cost"), totals.cost.toFixed(4)],
    [ctx.t("admin.errorRate"), `${(totals.error_rate * 100).toFixed(1)}%`],
    [ctx.t("admin.activeUsers"), String(totals.active_users)],
    [ctx.t("admin.activeKeys"), String(totals.active_keys)],
  ];
  return (
    <section class="card">
      <h2 safe>{props.label}</h2>
      <div class="grid cols-3">
        {stats.map(([label, value]) => <div class="stat"><div class="label" safe>{label}</div><div class="value" safe>{value}</div></div>)}
      </div>
    </section>
  );
}

const at = (iso: string | null) => (iso ? `${iso.replace("T", " ").slice(0, 19)} UTC` : "—");

/** An upstream's health: healthy, its upstream models cooling down until when, its keys set aside or resting. */
function HealthCell(props: { ctx: PageContext; health: AdminUpstreamHealth }): JSX.Element {
  const { ctx, health } = props;
  if (health.deployments === 0) return <td class="muted" safe>{ctx.t("admin.health.none")}</td>;
  const lines = [
    ...health.cooling.map((c) => ({ cls: "warn", text: ctx.t("admin.health.cooling", { model: c.upstream_model, until: at(c.until) }) })),
    ...health.keys_out.map((k) => ({ cls: "warn", text: k.state === "set_aside" ? ctx.t("admin.health.setAside", { key: k.key }) : ctx.t("admin.health.resting", { key: k.key, until: at(k.until) }) })),
  ];
  if (lines.length === 0) return <td><span class="badge ok" safe>{ctx.t("admin.health.healthy")}</span></td>;
  return <td>{lines.map((l) => <div><span class={`badge ${l.cls}`} safe>{l.text}</span></div>)}</td>;
}

export function AdminOverviewPage(props: AdminOverviewProps): JSX.Element {
  const { ctx } = props;
  return (
    <AdminLayout ctx={ctx} title={ctx.t("admin.title")}>
      <div class="grid cols-2">
        <Totals ctx={ctx} label={ctx.t("admin.today")} totals={props.today} />
        <Totals ctx={ctx} label={ctx.t("admin.month")} totals={props.month} />
      </div>
      <div class="card spaced"><UsageChart ctx={ctx} days={30} series={props.series} /></div>
      <div class="grid cols-2 spaced">
        <section class="card">
          <h2 safe>{ctx.t("admin.topUsers")}</h2>
          <div class="table-wrap"><table>
            <thead><tr><th scope="col" safe>{ctx.t("admin.email")}</th><th scope="col" class="num" safe>{ctx.t("admin.requests")}</th><th scope="col" class="num">USD</th></tr></thead>
            <tbody>{props.topUsers.map((u) => <tr><td class="name"><a href={`/admin/users/${u.user_id}`} safe>{u.email}</a></td><td class="num" safe>{u.requests.toLocaleString("en-US")}</td><td class="num" safe>{u.cost.toFixed(4)}</td></tr>)}</tbody>
          </table></div>
        </section>
        <section class="card">
          <h2 safe>{ctx.t("admin.topModels")}</h2>
          <div class="table-wrap"><table>
            <thead><tr><th scope="col" safe>{ctx.t("admin.models")}</th><th scope="col" class="num" safe>{ctx.t("admin.requests")}</th><th scope="col" class="num">USD</th></tr></thead>
            <tbody>{props.topModels.map((m) => <tr><td class="name mono" safe>{m.model}</td><td class="num" safe>{m.requests.toLocaleString("en-US")}</td><td class="num" safe>{m.cost.toFixed(4)}</td></tr>)}</tbody>
          </table></div>
        </section>
        <section class="card">
          <h2 safe>{ctx.t("admin.topKeys")}</h2>
          <div class="table-wrap"><table>
            <thead><tr><th scope="col" safe>{ctx.t("admin.key")}</th><th scope="col" class="num" safe>{ctx.t("admin.requests")}</th><th scope="col" class="num">USD</th></tr></thead>
            <tbody>{props.topKeys.map((k) => (
              <tr>
                <td class="name"><span safe>{k.name}</span> <span class="mono small" safe>{`${k.key_prefix}…`}</span><div class="small"><a href={`/admin/users/${k.user_id}`} safe>{k.email}</a></div></td>
                <td class="num" safe>{k.requests.toLocaleString("en-US")}</td><td class="num" safe>{k.cost.toFixed(4)}</td>
              </tr>
            ))}</tbody>
          </table></div>
        </section>
      </div>
      <section class="card spaced">
        <h2 safe>{ctx.t("admin.upstreams")}</h2>
        <div class="table-wrap"><table>
          <thead><tr><th scope="col" safe>{ctx.t("admin.catalog.name")}</th><th scope="col" safe>{ctx.t("admin.catalog.source")}</th><th scope="col" class="num" safe>{ctx.t("admin.models")}</th><th scope="col" safe>{ctx.t("admin.health")}</th></tr></thead>
          <tbody>{props.upstreams.map((u) => <tr><td class="name mono" safe>{u.name}</td><td safe>{ctx.t(u.source === "config" ? "admin.catalog.source.config" : "admin.catalog.source.database")}</td><td class="num" safe>{String(u.models)}</td><HealthCell ctx={ctx} health={u.health} /></tr>)}</tbody>
        </table></div>
      </section>
    </AdminLayout>
  );
}
