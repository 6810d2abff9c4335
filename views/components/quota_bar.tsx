// The quota progress bar (a native <progress>, so no inline style is needed under the CSP) with its text.
import type { PageContext, QuotaView } from "../types.ts";

/** With `explain`, one line says how the quota differs from the request count shown beside it. */
export function QuotaBar(props: { ctx: PageContext; quota: QuotaView; explain?: boolean }): JSX.Element {
  const { used, total, resetAt } = props.quota;
  const percent = total === 0 ? 100 : Math.min(100, (used / total) * 100);
  const level = percent >= 100 ? "full" : percent >= 80 ? "high" : "";
  const text = props.ctx.t("quota.of", { used: used.toLocaleString("en-US"), total: total.toLocaleString("en-US") });
  return (
    <div id="quota-bar">
      <progress class={`quota ${level}`} max={String(Math.max(total, 1))} value={String(Math.min(used, Math.max(total, 1)))} aria-label={text} safe>{`${percent.toFixed(1)}%`}</progress>
      <p class="small muted" safe>{`${text} · ${props.ctx.t("quota.reset", { date: resetAt.slice(0, 10) })}`}</p>
      {props.explain ? <p class="small muted" id="quota-explained" safe>{props.ctx.t("usage.quotaExplained")}</p> : ""}
    </div>
  );
}
