// Daily usage as server-rendered charts: requests stacked by outcome (ok / errors), tokens and cost stacked by model.
// Bars are SVG stretched to the width (no text inside, so nothing shrinks); axis labels are HTML at their CSS size.
// Each day is a focusable column whose tooltip shows on hover, focus or tap (app.js adds tap and arrow keys);
// a table below is the text alternative. Dates are UTC days, as the rollups and the quota month are.
import type { ChartSeries, PageContext } from "../types.ts";

/** The smallest 1/2/4/6/8 × 10ⁿ at or above `value` (at least 2 for counts), so the top and middle lines read as round numbers. */
function niceMax(value: number, counts: boolean): number {
  if (value <= 0) return counts ? 2 : 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 4, 6, 8, 10]) {
    if (step * power >= value * (1 - 1e-9)) return counts ? Math.max(2, step * power) : step * power;
  }
  return 10 * power;
}

function compact(ctx: PageContext, value: number): string {
  return new Intl.NumberFormat(ctx.lang, { notation: "compact", maximumFractionDigits: 1 }).format(value);
}

function whole(value: number): string {
  return value.toLocaleString("en-US");
}

/** A cost for an axis or a tooltip: cents above $1, two significant digits below (costs are often fractions of a cent). */
function usd(value: number, precise = false): string {
  if (value === 0) return "$0";
  if (precise) return `$${value.toFixed(6)}`;
  return value >= 1 ? `$${value.toFixed(2)}` : `$${Number(value.toPrecision(2))}`;
}

/** 2026-11-05 → 11/5: short enough for seven labels across a phone. */
function shortDate(date: string): string {
  return `${Number(date.slice(5, 7))}/${Number(date.slice(8, 10))}`;
}

interface Stack {
  label: string;
  /** Series colour class (s0…s4, sok, serr). */
  tone: string;
}

interface PanelProps {
  ctx: PageContext;
  id: string;
  title: string;
  summary: string;
  dates: string[];
  stacks: Stack[];
  /** values[day][series] */
  values: number[][];
  axis: (value: number) => string;
  tip: (value: number) => string;
  /** Whole numbers (requests, tokens): the axis never shows a half. */
  counts?: boolean;
}

/** One chart: title, y axis, stacked bars, day columns with tooltips, x axis and legend. */
function ChartPanel(props: PanelProps): JSX.Element {
  const { ctx, dates, values } = props;
  const n = dates.length;
  const totals = values.map((day) => day.reduce((a, b) => a + b, 0));
  const max = niceMax(Math.max(...totals, 0), props.counts ?? false);
  const width = n * 10;
  // A label every `step` days, counted back from today so the latest day is always named.
  const step = n <= 7 ? 1 : Math.ceil(n / 5);
  const position = (i: number) => (i < n / 3 ? "start" : i >= (2 * n) / 3 ? "end" : "mid");
  return (
    <figure class="chart-panel" id={props.id} aria-labelledby={`${props.id}-title`}>
      <figcaption class="chart-head">
        <h3 id={`${props.id}-title`} safe>{props.title}</h3>
        <span class="small muted" safe>{props.summary}</span>
      </figcaption>
      <div class="chart-body">
        <div class="chart-y" aria-hidden="true">
          <span safe>{props.axis(max)}</span>
          <span safe>{props.axis(max / 2)}</span>
          <span>0</span>
        </div>
        <div class="chart-plot">
          <svg viewBox={`0 0 ${width} 100`} preserveAspectRatio="none" aria-hidden="true" focusable="false">
            {[0, 50, 100].map((y) => <line class="grid-line" x1="0" x2={String(width)} y1={String(y)} y2={String(y)} vector-effect="non-scaling-stroke" />)}
            {values.map((day, i) => {
              let base = 100;
              return (
                <>
                  {day.map((value, s) => {
                    if (value <= 0) return "";
                    // The smallest non-zero part stays visible (one error among thousands of calls).
                    const h = Math.max((value / max) * 100, 0.8);
                    base -= h;
                    return <rect class={`bar ${props.stacks[s]!.tone}`} x={(i * 10 + 1.5).toFixed(1)} y={base.toFixed(2)} width="7" height={h.toFixed(2)} />;
                  })}
                </>
              );
            })}
          </svg>
          <div class="chart-cols" role="group" aria-label={props.title}>
            {dates.map((date, i) => (
              <button type="button" class={`chart-col ${position(i)}`} tabindex={i === n - 1 ? "0" : "-1"}>
                <span class="tip" role="tooltip">
                  <strong safe>{`${date} UTC`}</strong>
                  {props.stacks.map((stack, s) => (values[i]![s]! > 0 || props.stacks.length <= 2
                    ? <span class="tip-row"><i class={`sw ${stack.tone}`}></i><span safe>{`${stack.label}: ${props.tip(values[i]![s]!)}`}</span></span>
                    : ""))}
                  {props.stacks.length > 1 ? <span class="tip-row total" safe>{`${ctx.t("chart.total")}: ${props.tip(totals[i]!)}`}</span> : ""}
                </span>
              </button>
            ))}
          </div>
          <div class="chart-x" aria-hidden="true">
            {dates.map((date, i) => <span>{(n - 1 - i) % step === 0 ? <b safe>{shortDate(date)}</b> : ""}</span>)}
          </div>
        </div>
      </div>
      <ul class="chart-legend">
        {props.stacks.map((stack) => <li><i class={`sw ${stack.tone}`}></i><span safe>{stack.label}</span></li>)}
      </ul>
    </figure>
  );
}

/** The charts of `series` over `days` days, or words when there is nothing to draw. */
export function UsageChart(props: { ctx: PageContext; days: number; series: ChartSeries; empty?: "chart.empty" | "chart.emptyKey" }): JSX.Element {
  const { ctx, series } = props;
  const { totals } = series;
  const dates = series.days.map((d) => d.date);
  const title = ctx.t("usage.chartAlt", { n: props.days });
  if (totals.requests === 0) {
    return (
      <div id="usage-chart" class="chart">
        <p class="chart-empty" safe>{ctx.t(props.empty ?? "chart.empty", { n: props.days })}</p>
      </div>
    );
  }
  const models: Stack[] = series.models.map((model, i) => ({ label: model ?? ctx.t("chart.other"), tone: model === null ? "s-other" : `s${i}` }));
  return (
    <div id="usage-chart" class="chart">
      <p class="small muted" safe>{`${ctx.t("usage.total", { requests: whole(totals.requests), cost: totals.cost.toFixed(6) })} · ${ctx.t("chart.utc")}`}</p>
      <ChartPanel
        ctx={ctx}
        id="chart-requests"
        title={ctx.t("usage.requests")}
        summary={ctx.t("chart.requestsSummary", { ok: whole(totals.ok), errors: whole(totals.errors) })}
        dates={dates}
        stacks={[{ label: ctx.t("chart.ok"), tone: "sok" }, { label: ctx.t("chart.errors"), tone: "serr" }]}
        values={series.days.map((d) => [d.ok, d.errors])}
        axis={(v) => compact(ctx, v)}
        tip={whole}
        counts
      />
      {totals.tokens > 0 ? (
        <ChartPanel
          ctx={ctx}
          id="chart-tokens"
          title={ctx.t("usage.col.tokens")}
          summary={ctx.t("chart.sum", { value: compact(ctx, totals.tokens) })}
          dates={dates}
          stacks={models}
          values={series.days.map((d) => d.tokens)}
          axis={(v) => compact(ctx, v)}
          tip={whole}
          counts
        />
      ) : <p class="small muted chart-note" safe>{ctx.t("chart.noTokens")}</p>}
      {totals.cost > 0 ? (
        <ChartPanel
          ctx={ctx}
          id="chart-cost"
          title={ctx.t("usage.cost")}
          summary={ctx.t("chart.sum", { value: usd(totals.cost, true) })}
          dates={dates}
          stacks={models}
          values={series.days.map((d) => d.cost)}
          axis={(v) => usd(v)}
          tip={(v) => usd(v, true)}
        />
      ) : <p class="small muted chart-note" id="chart-free" safe>{ctx.t("chart.free")}</p>}
      <details>
        <summary class="small" safe>{title}</summary>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col" safe>{`${ctx.t("usage.col.day")} (UTC)`}</th>
                <th scope="col" class="num" safe>{ctx.t("chart.ok")}</th>
                <th scope="col" class="num" safe>{ctx.t("chart.errors")}</th>
                <th scope="col" class="num" safe>{ctx.t("usage.col.tokens")}</th>
                <th scope="col" class="num" safe>{ctx.t("usage.cost")}</th>
              </tr>
            </thead>
            <tbody>
              {series.days.map((d) => (
                <tr>
                  <td class="mono" safe>{d.date}</td>
                  <td class="num" safe>{whole(d.ok)}</td>
                  <td class="num" safe>{whole(d.errors)}</td>
                  <td class="num" safe>{whole(d.tokens.reduce((a, b) => a + b, 0))}</td>
                  <td class="num" safe>{d.cost.reduce((a, b) => a + b, 0).toFixed(6)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}
