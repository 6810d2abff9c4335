// One API key's page: its facts, usage charts (7 or 30 days), last calls with a link into the request log, and
// the form that renames it or changes its description, rate limit and expiry. Works without JavaScript; htmx
// swaps only the range block or the settings form.
import type { ChartSeries, FormErrors, KeyCallRow, KeyDetail, PageContext } from "../types.ts";
import { Field } from "../components/field.tsx";
import { BaseLayout } from "../layouts/base.tsx";
import { KeyStatus } from "../partials/keys.tsx";
import { UsageChart } from "../partials/usage_chart.tsx";

export interface KeyPageProps {
  ctx: PageContext;
  item: KeyDetail;
  days: number;
  series: ChartSeries;
  calls: KeyCallRow[];
  form: KeyFormProps;
}

export interface KeyFormProps {
  ctx: PageContext;
  item: KeyDetail;
  /** The latest expiry date allowed (YYYY-MM-DD) and the earliest (tomorrow). */
  maxExpiry: string;
  minExpiry: string;
  errors?: FormErrors;
  saved?: boolean;
}

export const KEY_RANGES = [7, 30] as const;

function keyPath(item: KeyDetail): string {
  return `/dashboard/api-keys/${item.id}`;
}

/** The chart for one range, with the range switch; htmx swaps this block only. */
export function KeyUsage(props: { ctx: PageContext; item: KeyDetail; days: number; series: ChartSeries }): JSX.Element {
  const { ctx, item } = props;
  return (
    <section class="card spaced" id="key-usage" aria-labelledby="key-usage-title">
      <div class="toolbar">
        <h2 id="key-usage-title" safe>{ctx.t("key.usage")}</h2>
        <nav class="tabs" aria-label={ctx.t("usage.range")}>
          {KEY_RANGES.map((n) => (
            <a href={`${keyPath(item)}?days=${n}`} hx-get={`${keyPath(item)}?days=${n}`} hx-target="#key-usage" hx-swap="outerHTML" hx-push-url="true" aria-current={n === props.days ? "true" : undefined} safe>{ctx.t("usage.days", { n })}</a>
          ))}
        </nav>
      </div>
      <UsageChart ctx={ctx} days={props.days} series={props.series} empty="chart.emptyKey" />
    </section>
  );
}

/** Name, description, rate limit and expiry; after a save (or a refusal) htmx swaps this form only. */
export function KeySettingsForm(props: KeyFormProps): JSX.Element {
  const { ctx, item } = props;
  const e = props.errors ?? {};
  const value = (name: string, fallback: string) => e.values?.[name] ?? fallback;
  return (
    <form id="key-settings" class="stack" method="post" action={keyPath(item)} hx-post={keyPath(item)} hx-target="#key-settings" hx-swap="outerHTML" novalidate>
      <input type="hidden" name="_csrf" value={ctx.csrf} />
      {props.saved ? <p class="success" role="status" safe>{ctx.t("key.savedNotice")}</p> : ""}
      {e.form ? <p class="alert" role="alert" safe>{e.form}</p> : ""}
      <Field id="name" name="name" label={ctx.t("keys.name")} value={value("name", item.name)} error={e.fields?.name} required maxlength={100} />
      <Field id="description" name="description" label={ctx.t("keys.description")} value={value("description", item.description ?? "")} error={e.fields?.description} maxlength={500} />
      <div class="grid cols-2">
        <Field id="rate_limit" name="rate_limit" type="number" label={ctx.t("key.rateLimitField", { max: item.planRateLimit })} value={value("rate_limit", item.rateLimit === null ? "" : String(item.rateLimit))} error={e.fields?.rate_limit} min={1} max={item.planRateLimit} inputmode="numeric" />
        <Field id="expires_on" name="expires_on" type="date" label={ctx.t("key.expiresOnField")} value={value("expires_on", item.expiresOn ?? "")} error={e.fields?.expires_on} hint={ctx.t("key.expiresOnHint", { max: props.maxExpiry })} />
      </div>
      <div><button type="submit" safe>{ctx.t("key.save")}</button></div>
    </form>
  );
}

function Fact(props: { label: string; value: string; mono?: boolean }): JSX.Element {
  return (
    <>
      <dt safe>{props.label}</dt>
      <dd class={props.mono ? "mono" : undefined} safe>{props.value}</dd>
    </>
  );
}

function CallsTable(props: { ctx: PageContext; calls: KeyCallRow[] }): JSX.Element {
  const { ctx } = props;
  if (props.calls.length === 0) return <p class="muted" safe>{ctx.t("key.recentEmpty")}</p>;
  return (
    <>
      <p class="small muted" data-local-note={ctx.t("key.timesLocal")} safe>{ctx.t("key.timesUtc")}</p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col" safe>{ctx.t("logs.col.time")}</th>
              <th scope="col" safe>{ctx.t("logs.col.model")}</th>
              <th scope="col" safe>{ctx.t("logs.col.status")}</th>
              <th scope="col" class="num" safe>{ctx.t("logs.col.tokens")}</th>
              <th scope="col" class="num opt" safe>{ctx.t("logs.col.cost")}</th>
              <th scope="col" class="num opt" safe>{ctx.t("logs.col.latency")}</th>
            </tr>
          </thead>
          <tbody>
            {props.calls.map((c) => (
              <tr>
                <td class="mono"><a href={`/dashboard/logs/${encodeURIComponent(c.id)}`}><time datetime={c.createdAt} data-local safe>{c.createdAt.replace("T", " ").slice(0, 19)}</time></a></td>
                <td class="mono" safe>{c.model ?? c.endpoint}</td>
                <td><span class={`badge ${c.status < 400 ? "ok" : c.status < 500 ? "warn" : "off"}`} title={c.outcome} safe>{String(c.status)}</span></td>
                <td class="num" safe>{`${c.promptTokens + c.completionTokens}${c.tokensEstimated ? "*" : ""}`}</td>
                <td class="num opt" safe>{c.cost.toFixed(6)}</td>
                <td class="num opt" safe>{String(c.latencyMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export function KeyPage(props: KeyPageProps): JSX.Element {
  const { ctx, item } = props;
  const stamp = (iso: string | null) => (iso ? `${iso.replace("T", " ").slice(0, 16)} UTC` : ctx.t("keys.never"));
  return (
    <BaseLayout ctx={ctx} title={item.name}>
      <a class="back" href="/dashboard/api-keys" safe>{ctx.t("key.back")}</a>
      <div class="key-head">
        <h1 safe>{item.name}</h1>
        <KeyStatus ctx={ctx} status={item.status} />
      </div>
      {item.status === "revoked" ? <p class="notice" role="note" safe>{ctx.t("key.revokedNote", { date: stamp(item.revokedAt) })}</p> : ""}
      {item.status === "revoked" && props.form.errors?.form ? <p class="alert" role="alert" safe>{props.form.errors.form}</p> : ""}
      {item.status === "expired" ? <p class="notice" role="note" safe>{ctx.t("key.expiredNote")}</p> : ""}
      <div class="grid cols-2">
        <section class="card" aria-labelledby="key-details-title">
          <h2 id="key-details-title" safe>{ctx.t("key.details")}</h2>
          <dl class="details">
            <Fact label={ctx.t("key.prefix")} value={`${item.prefix}…`} mono />
            {item.description ? <Fact label={ctx.t("keys.description")} value={item.description} /> : ""}
            <Fact label={ctx.t("key.total")} value={item.totalRequests.toLocaleString("en-US")} />
            <Fact label={ctx.t("key.rateLimit")} value={item.rateLimit === null ? ctx.t("key.planDefault", { n: item.planRateLimit }) : ctx.t("key.perMinute", { n: item.rateLimit })} />
            <Fact label={ctx.t("key.expires")} value={item.expiresAt ? stamp(item.expiresAt) : ctx.t("key.noExpiry")} />
            <Fact label={ctx.t("key.created")} value={stamp(item.createdAt)} />
            <Fact label={ctx.t("key.lastUsed")} value={stamp(item.lastUsedAt)} />
          </dl>
        </section>
        {item.status === "revoked" ? "" : (
          <section class="card" aria-labelledby="key-settings-title">
            <h2 id="key-settings-title" safe>{ctx.t("key.settings")}</h2>
            <KeySettingsForm {...props.form} />
            {item.status === "active" ? (
              // A plain form: the revoke confirmation page asks first, with or without JavaScript.
              <form method="post" action={`${keyPath(item)}/revoke`} class="spaced">
                <input type="hidden" name="_csrf" value={ctx.csrf} />
                <button type="submit" class="danger" safe>{ctx.t("keys.revoke")}</button>
              </form>
            ) : ""}
          </section>
        )}
      </div>
      <KeyUsage ctx={ctx} item={item} days={props.days} series={props.series} />
      <section class="card spaced" aria-labelledby="key-calls-title">
        <div class="toolbar">
          <h2 id="key-calls-title" safe>{ctx.t("key.recent")}</h2>
          <a href={`/dashboard/logs?key=${item.id}`} safe>{ctx.t("key.allCalls")}</a>
        </div>
        <CallsTable ctx={ctx} calls={props.calls} />
      </section>
    </BaseLayout>
  );
}
