// The web console: server-rendered pages (JSX, @kitajs/html), enhanced by htmx, working without JavaScript too.
import { Elysia } from "elysia";
import type { AdminDeps } from "../admin/mod.ts";
import { adminCatalogPages } from "./admin_catalog_pages.ts";
import { adminPages } from "./admin_pages.ts";
import { docsPages } from "./docs_pages.ts";
import { accountPages } from "./account_pages.ts";
import { keyPages } from "./key_pages.ts";
import { legacyPaths } from "./legacy_paths.ts";
import { logPages } from "./log_pages.ts";
import { playgroundPages } from "./playground_pages.ts";
import { publicPages } from "./public_pages.ts";
import { type AccountConsoleDeps, recoveryPages } from "./recovery_pages.ts";
import { settingsPages } from "./settings_pages.ts";
import { webhookPages } from "./webhook_pages.ts";
import type { ConsoleDeps } from "./session.ts";
import { usagePages } from "./usage_pages.ts";

/** The console's pages, one group per part of it; each group resolves its session (session.ts) once per request. */
export function consoleRoutes(deps: ConsoleDeps & AccountConsoleDeps & AdminDeps) {
  return new Elysia()
    .use(publicPages(deps))
    .use(docsPages(deps))
    .use(accountPages(deps))
    .use(keyPages(deps))
    .use(usagePages(deps))
    .use(logPages(deps))
    .use(playgroundPages(deps))
    .use(recoveryPages(deps))
    .use(settingsPages(deps))
    .use(webhookPages(deps))
    .use(adminPages(deps))
    .use(adminCatalogPages(deps))
    .use(legacyPaths());
}
