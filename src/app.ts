// Composes the HTTP app from its features; never listens (main.ts does, tests call app.handle).
import { Elysia } from "elysia";
import { adminRoutes } from "./admin/mod.ts";
import { accountCareRoutes, authRoutes } from "./auth/mod.ts";
import { consoleErrorPage, consoleRoutes, staticRoutes } from "./console/mod.ts";
import { gatewayRoutes, nativeGatewayRoutes } from "./gateway/mod.ts";
import { healthRoutes, httpPlugin } from "./http/mod.ts";
import { keysRoutes } from "./keys/mod.ts";
import { metricsRoutes, requestMetrics } from "./metrics/mod.ts";
import { openApiRoutes, type RouteInfo } from "./openapi/mod.ts";
import type { AppDeps } from "./runtime.ts";
import { usageRoutes } from "./usage/mod.ts";
import { webhooksRoutes } from "./webhooks/mod.ts";

/** Builds the Elysia app serving the API and the console from its dependencies. */
export function createApp(deps: AppDeps) {
  const checks: Record<string, () => Promise<void>> = { database: () => deps.database.ping() };
  if (deps.redisPing) checks.redis = deps.redisPing;
  // Listening, Bun's router serves the metered POSTs directly (gateway/native_routes.ts); app.handle (tests) uses the Elysia routes.
  const app = new Elysia({ normalize: false, serve: { routes: nativeGatewayRoutes(deps) } })
    .use(httpPlugin(deps.log, { errorPage: consoleErrorPage }))
    .use(requestMetrics(deps.metrics))
    .use(healthRoutes(checks, { log: deps.log, draining: deps.draining }))
    .use(metricsRoutes(deps))
    .use(authRoutes(deps))
    .use(accountCareRoutes(deps))
    .use(keysRoutes(deps))
    .use(usageRoutes(deps))
    .use(webhooksRoutes(deps))
    .use(gatewayRoutes(deps))
    .use(adminRoutes(deps))
    .use(staticRoutes())
    // The document is generated from the whole app's route table, so it is read once the app is built.
    .use(openApiRoutes((): readonly RouteInfo[] => app.routes))
    // Last: the console's HTML helper (@elysiajs/html) is derived for every route registered after it.
    .use(consoleRoutes(deps));
  return app;
}

export type App = ReturnType<typeof createApp>;
