// Composes the HTTP app from its features; never listens (main.ts does, tests call app.handle).
import { Elysia } from "elysia";
import { authRoutes } from "./auth/mod.ts";
import { consoleRoutes, staticRoutes } from "./console/mod.ts";
import { gatewayRoutes } from "./gateway/mod.ts";
import { healthRoutes, httpPlugin } from "./http/mod.ts";
import { keysRoutes } from "./keys/mod.ts";
import { openApiRoutes } from "./openapi/mod.ts";
import type { AppDeps } from "./runtime.ts";
import { usageRoutes } from "./usage/mod.ts";

/** Builds the Elysia app serving the API and the console from its dependencies. */
export function createApp(deps: AppDeps) {
  const checks: Record<string, () => Promise<void>> = { database: () => deps.database.ping() };
  if (deps.redisPing) checks.redis = deps.redisPing;
  return new Elysia({ normalize: false })
    .use(httpPlugin(deps.log))
    .use(healthRoutes(checks, { log: deps.log }))
    .use(authRoutes(deps))
    .use(keysRoutes(deps))
    .use(usageRoutes(deps))
    .use(gatewayRoutes(deps))
    .use(staticRoutes())
    .use(openApiRoutes(deps))
    .use(consoleRoutes(deps));
}

export type App = ReturnType<typeof createApp>;
