// The request log: filters (a plain GET form), the calls table with an "older" link, and one call's detail page.
import type { LogFilterView, LogRow, PageContext } from "../types.ts";
import { BaseLayout } from "../layouts/base.tsx";
import { Time } from "../components/time.tsx";

export interface LogResultsProps {
  ctx: PageContext;
  rows: LogRow[];
  /** The next (older) page's URL, filters kept; null on the last page. */
  olderHref: string | null;
  /** The first page's URL with the same filters, when this is not the first page. */
  newestHref: string | null;
}

export interface LogsPageProps extends LogResultsProps {
  filters: LogFilterView;
  keys: Array<{ id: number; name: string }>;
  models: string[];
}


function statusBadge(status: number): string {
  return `badge ${status < 400 ? "ok" : status < 500 ? "warn" : "off"}`;
}

function tokens(row: LogRow): string {
  return `${row.promptTokens + row.completionTokens}${row.tokensEstimated ? "*" : ""}`;
}

function deployment(row: LogRow): string {
  if (!row.upstream) return "—";
  return row.upstreamModel ? `${row.upstream} / ${row.upstreamModel}` : row.upstream;
}

/** The part htmx swaps: the table of calls and the pager. */
export function LogResults(props: LogResultsProps): JSX.Element {
  const { ctx } = props;
  const swap = { "hx-target": "#log-results", "hx-swap": "outerHTML", "hx-push-url": "true" };
  return (
    <div id="log-results">
      {props.rows.length === 0 ? <p class="muted" safe>{ctx.t("logs.empty")}</p> : (
        <div class="table-wrap">
          <table class="log cards">
            <thead>
              <tr>
                <th scope="col" safe>{ctx.t("logs.col.time")}</th>
                <th scope="col" safe>{ctx.t("logs.col.key")}</th>
                <th scope="col" safe>{ctx.t("logs.col.model")}</th>
                <th scope="col" class="opt" safe>{ctx.t("logs.col.deployment")}</th>
                <th scope="col" class="num opt" safe>{ctx.t("logs.col.attempts")}</th>
                <th scope="col" safe>{ctx.t("logs.col.status")}</th>
                <th scope="col" class="num" safe>{ctx.t("logs.col.tokens")}</th>
                <th scope="col" class="num" safe>{ctx.t("logs.col.cost")}</th>
                <th scope="col" class="num opt" safe>{ctx.t("logs.col.latency")}</th>
                <th scope="col" class="num opt" safe>{ctx.t("logs.col.ttfb")}</th>
                <th scope="col" class="opt" safe>{ctx.t("logs.col.error")}</th>
                <th scope="col" safe>{ctx.t("logs.col.requestId")}</th>
              </tr>
            </thead>
            <tbody id="log-body">
              {props.rows.map((row) => (
                <tr>
                  <td class="mono" data-label={ctx.t("logs.col.time")}><Time iso={row.createdAt} /></td>
                  <td class="name" data-label={ctx.t("logs.col.key")} safe>{row.keyName}</td>
                  <td class="mono" data-label={ctx.t("logs.col.model")} safe>{row.model ?? row.endpoint}</td>
                  <td class="mono opt" data-label={ctx.t("logs.col.deployment")} safe>{deployment(row)}</td>
                  <td class="num opt" data-label={ctx.t("logs.col.attempts")} safe>{String(row.attempts)}</td>
                  <td data-label={ctx.t("logs.col.status")}><span class={statusBadge(row.status)} safe>{String(row.status)}</span> <span class="muted" safe>{row.outcome}</span></td>
                  <td class="num" data-label={ctx.t("logs.col.tokens")} safe>{tokens(row)}</td>
                  <td class="num" data-label={ctx.t("logs.col.cost")} safe>{row.cost.toFixed(6)}</td>
                  <td class="num opt" data-label={ctx.t("logs.col.latency")} safe>{String(row.latencyMs)}</td>
                  <td class="num opt" data-label={ctx.t("logs.col.ttfb")} safe>{row.ttfbMs === null ? "—" : String(row.ttfbMs)}</td>
                  <td class="opt" data-label={ctx.t("logs.col.error")} safe>{row.error ?? ""}</td>
                  <td class="mono" data-label={ctx.t("logs.col.requestId")}><a href={`/dashboard/logs/${encodeURIComponent(row.id)}`} safe>{row.id}</a></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.rows.some((r) => r.tokensEstimated) ? <p class="muted small" safe>{ctx.t("logs.estimated")}</p> : ""}
      <nav class="toolbar pager" aria-label="pagination">
        {props.newestHref ? <a href={props.newestHref} hx-get={props.newestHref} {...swap} safe>{ctx.t("logs.newest")}</a> : <span />}
        {props.olderHref ? <a class="button secondary" rel="next" href={props.olderHref} hx-get={props.olderHref} {...swap} safe>{ctx.t("logs.older")}</a> : ""}
      </nav>
    </div>
  );
}

function LogFilters(props: LogsPageProps): JSX.Element {
  const { ctx, filters } = props;
  return (
    <form class="card below filters" method="get" action="/dashboard/logs" hx-get="/dashboard/logs" hx-target="#log-results" hx-swap="outerHTML" hx-push-url="true">
      <div class="toolbar">
        <label>
          <span safe>{ctx.t("logs.col.key")}</span>
          <select name="key">
            <option value="" safe>{ctx.t("logs.anyKey")}</option>
            {props.keys.map((k) => <option value={String(k.id)} selected={filters.key === String(k.id)} safe>{k.name}</option>)}
          </select>
        </label>
        <label>
          <span safe>{ctx.t("logs.col.model")}</span>
          <select name="model">
            <option value="" safe>{ctx.t("logs.anyModel")}</option>
            {props.models.map((m) => <option value={m} selected={filters.model === m} safe>{m}</option>)}
          </select>
        </label>
        <label>
          <span safe>{ctx.t("logs.col.status")}</span>
          <select name="status">
            <option value="" safe>{ctx.t("logs.anyStatus")}</option>
            {["2xx", "4xx", "5xx"].map((s) => <option value={s} selected={filters.status === s} safe>{s}</option>)}
          </select>
        </label>
        <label>
          <span safe>{ctx.t("logs.from")}</span>
          <input type="date" name="from" value={filters.from} />
        </label>
        <label>
          <span safe>{ctx.t("logs.to")}</span>
          <input type="date" name="to" value={filters.to} />
        </label>
        <button type="submit" safe>{ctx.t("logs.filter")}</button>
        <a href="/dashboard/logs" safe>{ctx.t("logs.reset")}</a>
      </div>
    </form>
  );
}

export function LogsPage(props: LogsPageProps): JSX.Element {
  const { ctx } = props;
  return (
    <BaseLayout ctx={ctx} title={ctx.t("logs.title")}>
      <h1 safe>{ctx.t("logs.title")}</h1>
      <p class="muted" data-local-note={ctx.t("logs.localTime")} safe>{ctx.t("logs.intro")}</p>
      <LogFilters {...props} />
      <div class="card">
        <LogResults ctx={ctx} rows={props.rows} olderHref={props.olderHref} newestHref={props.newestHref} />
      </div>
    </BaseLayout>
  );
}

/** One call, every field, under its request id. */
export function LogDetailPage(props: { ctx: PageContext; row: LogRow }): JSX.Element {
  const { ctx, row } = props;
  const fields: Array<[string, JSX.Element]> = [
    [ctx.t("logs.col.requestId"), <code safe>{row.id}</code>],
    [ctx.t("logs.col.time"), <Time iso={row.createdAt} />],
    [ctx.t("logs.col.key"), <span safe>{`${row.keyName} (${row.keyPrefix}…)`}</span>],
    [ctx.t("logs.detail.endpoint"), <code safe>{row.endpoint}</code>],
    [ctx.t("logs.col.model"), <code safe>{row.model ?? "—"}</code>],
    [ctx.t("logs.col.deployment"), <code safe>{deployment(row)}</code>],
    [ctx.t("logs.col.attempts"), <span safe>{String(row.attempts)}</span>],
    [ctx.t("logs.col.status"), <span><span class={statusBadge(row.status)} safe>{String(row.status)}</span> <span safe>{row.outcome}</span></span>],
    [ctx.t("logs.detail.prompt"), <span safe>{`${row.promptTokens}${row.tokensEstimated ? "*" : ""}`}</span>],
    [ctx.t("logs.detail.completion"), <span safe>{`${row.completionTokens}${row.tokensEstimated ? "*" : ""}`}</span>],
    [ctx.t("logs.col.cost"), <span safe>{row.cost.toFixed(9)}</span>],
    [ctx.t("logs.col.latency"), <span safe>{String(row.latencyMs)}</span>],
    [ctx.t("logs.col.ttfb"), <span safe>{row.ttfbMs === null ? "—" : String(row.ttfbMs)}</span>],
    [ctx.t("logs.detail.stream"), <span safe>{ctx.t(row.stream ? "logs.detail.yes" : "logs.detail.no")}</span>],
    [ctx.t("logs.col.error"), <span class="error-text" safe>{row.error ?? "—"}</span>],
  ];
  return (
    <BaseLayout ctx={ctx} title={ctx.t("logs.detail.title")}>
      <p><a href="/dashboard/logs" safe>{ctx.t("logs.detail.back")}</a></p>
      <h1 safe>{ctx.t("logs.detail.title")}</h1>
      <div class="card">
        <dl class="details">
          {fields.map(([label, value]) => <><dt safe>{label}</dt><dd>{value}</dd></>)}
        </dl>
        {row.tokensEstimated ? <p class="muted small" safe>{ctx.t("logs.estimated")}</p> : ""}
      </div>
    </BaseLayout>
  );
}
