// Pages for everyone: the landing page at / (signed-in users go on to the dashboard) and the model catalogue at /models.
import { Elysia } from "elysia";
import type { DeploymentStatus } from "../chat/mod.ts";
import { deploymentsOf, type ModelConfig } from "../config.ts";
import { LandingPage } from "../../views/pages/landing.tsx";
import { ModelsPage } from "../../views/pages/models.tsx";
import type { PublicModel } from "../../views/types.ts";
import { redirectTo } from "./render.ts";
import { type ConsoleDeps, consoleSession } from "./session.ts";

/** The model as the public pages show it; `statuses` (the router's health) decide `up` when given. */
export function publicModel(model: ModelConfig, statuses?: readonly DeploymentStatus[]): PublicModel {
  const providers = [...new Set(deploymentsOf(model).map((d) => d.upstream))];
  const shown: PublicModel = { id: model.id, name: model.name, providers, inputPrice: model.inputPrice, outputPrice: model.outputPrice, free: model.free };
  if (!statuses) return shown;
  // The demo model answers in-process: it is always up. Others are up while any deployment is healthy; a model the
  // router reports nothing for counts as up, as routing itself fails open.
  const own = statuses.filter((s) => s.model === model.id);
  const up = providers.every((p) => p === "demo") || own.length === 0 || own.some((s) => s.state === "healthy");
  return { ...shown, up };
}

/** The landing page and the model catalogue. */
export function publicPages(deps: ConsoleDeps) {
  const { config } = deps;
  return new Elysia()
    .use(consoleSession(deps))
    .get("/", ({ page, user, html }) => (user ? redirectTo("/dashboard", false) : html(LandingPage({ ctx: page, models: config.models.map((m) => publicModel(m)) }))))
    .get("/models", async ({ page, html }) => {
      const statuses = await deps.router.status(config.models);
      return html(ModelsPage({ ctx: page, models: config.models.map((m) => publicModel(m, statuses)) }));
    });
}
