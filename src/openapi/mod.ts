// The OpenAPI document and its interactive reference page.
export { openApiDocument } from "./document.ts";
export type { RouteInfo } from "./document.ts";
export { openApiRoutes } from "./routes.ts";
