// The front page for visitors: what the hub is, its models with prices, and the way in.
import { BaseLayout } from "../layouts/base.tsx";
import { ModelCards } from "../partials/model_cards.tsx";
import type { PageContext, PublicModel } from "../types.ts";

export function LandingPage(props: { ctx: PageContext; models: PublicModel[] }): JSX.Element {
  const { ctx } = props;
  return (
    <BaseLayout ctx={ctx} title={ctx.t("landing.title")}>
      <section class="hero">
        <h1 safe>{ctx.t("landing.title")}</h1>
        <p class="lead" safe>{ctx.t("landing.lead")}</p>
        <ul class="points">
          <li safe>{ctx.t("landing.point.compatible")}</li>
          <li safe>{ctx.t("landing.point.limits")}</li>
          <li safe>{ctx.t("landing.point.usage")}</li>
        </ul>
        <p class="actions">
          <a class="button" href="/register" safe>{ctx.t("landing.signup")}</a>
          <a class="button secondary" href="/login" safe>{ctx.t("login.submit")}</a>
        </p>
      </section>
      <section class="spaced" aria-labelledby="landing-models">
        <div class="toolbar">
          <h2 id="landing-models" safe>{ctx.t("landing.models")}</h2>
          <a href="/models" safe>{ctx.t("landing.allModels")}</a>
        </div>
        <p class="muted small" safe>{ctx.t("models.priceNote")}</p>
        <ModelCards ctx={ctx} models={props.models} />
      </section>
    </BaseLayout>
  );
}
