// The public model catalogue: every model with its providers, prices per million tokens and whether it is up.
import { BaseLayout } from "../layouts/base.tsx";
import { ModelCards } from "../partials/model_cards.tsx";
import type { PageContext, PublicModel } from "../types.ts";

export function ModelsPage(props: { ctx: PageContext; models: PublicModel[] }): JSX.Element {
  const { ctx } = props;
  return (
    <BaseLayout ctx={ctx} title={ctx.t("models.title")}>
      <h1 safe>{ctx.t("models.title")}</h1>
      <p class="muted" safe>{ctx.t("models.lead", { n: props.models.length })}</p>
      <p class="muted small" safe>{ctx.t("models.priceNote")}</p>
      <ModelCards ctx={ctx} models={props.models} details />
      {ctx.user ? "" : <p class="spaced"><a class="button" href="/register" safe>{ctx.t("landing.signup")}</a></p>}
    </BaseLayout>
  );
}
