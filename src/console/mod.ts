// The web console: pages, static files, i18n and CSRF.
export { consoleRoutes } from "./routes.ts";
export type { ConsoleDeps } from "./session.ts";
export { staticRoutes } from "./static.ts";
export { pickLang, translator } from "./i18n.ts";
export { consoleErrorPage } from "./error_pages.ts";
