// Daily requests (bars) and cost (line) as server-rendered SVG, with a table as its text alternative.
import type { DailyPoint, PageContext } from "../types.ts";

const W = 720;
const H = 220;
const PAD = { left: 44, right: 52, top: 12, bottom: 28 };

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 4, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

export function UsageChart(props: { ctx: PageContext; days: number; points: DailyPoint[] }): JSX.Element {
  const { ctx, points } = props;
  const maxRequests = niceMax(Math.max(...points.map((p) => p.requests), 0));
  const maxCost = niceMax(Math.max(...points.map((p) => p.cost), 0));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(points.length, 1);
  const barW = Math.max(1, slot * 0.7);
  const y = (v: number, max: number) => PAD.top + plotH - (v / max) * plotH;
  const line = points.map((p, i) => `${(PAD.left + slot * i + slot / 2).toFixed(1)},${y(p.cost, maxCost).toFixed(1)}`).join(" ");
  const labelEvery = Math.ceil(points.length / 8);
  const title = ctx.t("usage.chartAlt", { n: props.days });
  const totalRequests = points.reduce((s, p) => s + p.requests, 0);
  const totalCost = points.reduce((s, p) => s + p.cost, 0);
  return (
    <div id="usage-chart" class="chart">
      <div class="chart-scroll" tabindex="0" role="region" aria-label={title}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="chart-title">
        <title id="chart-title" safe>{title}</title>
        <line class="axis" x1={String(PAD.left)} y1={String(PAD.top + plotH)} x2={String(W - PAD.right)} y2={String(PAD.top + plotH)} />
        {[0, 0.5, 1].map((f) => (
          <>
            <line class="axis" x1={String(PAD.left)} x2={String(W - PAD.right)} y1={String(y(maxRequests * f, maxRequests))} y2={String(y(maxRequests * f, maxRequests))} />
            <text x={String(PAD.left - 6)} y={String(y(maxRequests * f, maxRequests) + 4)} text-anchor="end" safe>{String(Number((maxRequests * f).toFixed(1)))}</text>
            <text x={String(W - PAD.right + 6)} y={String(y(maxCost * f, maxCost) + 4)} safe>{`$${(maxCost * f).toPrecision(2)}`}</text>
          </>
        ))}
        {points.map((p, i) => (
          <rect class="bar" x={(PAD.left + slot * i + (slot - barW) / 2).toFixed(1)} y={y(p.requests, maxRequests).toFixed(1)} width={barW.toFixed(1)} height={(PAD.top + plotH - y(p.requests, maxRequests)).toFixed(1)}>
            <title safe>{`${p.date}: ${p.requests} · $${p.cost.toFixed(6)}`}</title>
          </rect>
        ))}
        <polyline class="line" points={line} />
        {points.map((p, i) => (i % labelEvery === 0 ? <text x={(PAD.left + slot * i + slot / 2).toFixed(1)} y={String(H - 8)} text-anchor="middle" safe>{p.date.slice(5)}</text> : ""))}
      </svg>
      </div>
      <div class="legend"><span><i class="sw-bar"></i><span safe>{ctx.t("usage.requests")}</span></span><span><i class="sw-line"></i><span safe>{ctx.t("usage.cost")}</span></span></div>
      <p class="small muted" safe>{ctx.t("usage.total", { requests: totalRequests.toLocaleString("en-US"), cost: totalCost.toFixed(6) })}</p>
      <details>
        <summary class="small" safe>{title}</summary>
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col" safe>{ctx.t("usage.col.day")}</th><th scope="col" class="num" safe>{ctx.t("usage.requests")}</th><th scope="col" class="num" safe>{ctx.t("usage.cost")}</th></tr></thead>
            <tbody>{points.map((p) => <tr><td class="mono" safe>{p.date}</td><td class="num" safe>{String(p.requests)}</td><td class="num" safe>{p.cost.toFixed(6)}</td></tr>)}</tbody>
          </table>
        </div>
      </details>
    </div>
  );
}
