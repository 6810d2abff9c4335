// Models as a card list (readable at 375 px): name and id, prices per million tokens, and optionally provider and health.
import type { PageContext, PublicModel } from "../types.ts";

/** A price in USD per million tokens, without trailing zeros. */
export function formatPrice(price: number): string {
  return `$${Number(price.toPrecision(6))}`;
}

export function ModelCards(props: { ctx: PageContext; models: PublicModel[]; details?: boolean }): JSX.Element {
  const { ctx } = props;
  return (
    <ul class="model-cards">
      {props.models.map((m) => (
        <li class="card model-card" id={`model-${m.id.replace(/[^A-Za-z0-9_-]/g, "-")}`}>
          <div class="model-head">
            <strong safe>{m.name}</strong>
            {m.free ? <span class="badge ok" safe>{ctx.t("models.free")}</span> : ""}
            {m.up === undefined ? "" : m.up
              ? <span class="badge ok" safe>{ctx.t("models.up")}</span>
              : <span class="badge warn" safe>{ctx.t("models.down")}</span>}
          </div>
          <code class="mono" safe>{m.id}</code>
          <dl class="model-facts">
            {props.details ? (
              <>
                <dt safe>{ctx.t("models.provider")}</dt>
                <dd safe>{m.providers.map((p) => (p === "demo" ? ctx.t("models.demoProvider") : p)).join(", ")}</dd>
              </>
            ) : ""}
            <dt safe>{ctx.t("models.input")}</dt>
            <dd safe>{m.free ? ctx.t("models.free") : formatPrice(m.inputPrice)}</dd>
            <dt safe>{ctx.t("models.output")}</dt>
            <dd safe>{m.free ? ctx.t("models.free") : formatPrice(m.outputPrice)}</dd>
          </dl>
        </li>
      ))}
    </ul>
  );
}
