// Composes the HTTP app from its features; never listens (main.ts does, tests call app.handle).
import { Elysia } from "elysia";
import type { Config } from "./config.ts";
import type { Database } from "./db/mod.ts";
import { authRoutes } from "./auth/mod.ts";
import { chatRoutes } from "./chat/mod.ts";
import { consoleRoutes, staticRoutes } from "./console/mod.ts";
import { openApiRoutes } from "./openapi/mod.ts";
import { usageRoutes } from "./usage/mod.ts";
import { healthRoutes, httpPlugin } from "./http/mod.ts";
import { type KeyVerifier, keysRoutes } from "./keys/mod.ts";
import type { LimitStore, Redis } from "./limits/mod.ts";
import type { Logger } from "./log.ts";

export interface AppDeps {
  config: Config;
  log: Logger;
  database: Database;
  redis: Redis | null;
  limits: LimitStore;
  keys: KeyVerifier;
  onKeyRevoked(keyHash: string): void;
  onUserChanged(userId: number): void;
  /** The caller's address for throttling (X-Forwarded-For only when TRUST_PROXY is set). */
  clientAddress(request: Request, server: { requestIP(request: Request): { address: string } | null } | null): string;
}

/** Builds the Elysia app serving the API (and, later, the console) from its dependencies. */
export function createApp(deps: AppDeps) {
  const checks: Record<string, () => Promise<void>> = { database: () => deps.database.ping() };
  if (deps.redis) checks.redis = () => deps.limits.ping();
  return new Elysia({ normalize: false })
    .use(httpPlugin(deps.log))
    .use(healthRoutes(checks, { log: deps.log }))
    .use(authRoutes(deps))
    .use(keysRoutes(deps))
    .use(usageRoutes(deps))
    .use(chatRoutes(deps))
    .use(staticRoutes())
    .use(openApiRoutes(deps))
    .use(consoleRoutes(deps));
}

export type App = ReturnType<typeof createApp>;
