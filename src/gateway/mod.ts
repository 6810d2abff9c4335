// The metered developer call: key guard → plan → admit → run → settle once → headers, and the developer-API routes.
export { gatewayRoutes, seedChatPlan } from "./routes.ts";
export { startCall } from "./call.ts";
export type { DeveloperCall } from "./call.ts";
export { runCall } from "./run.ts";
export type { GatewayDeps } from "./deps.ts";
export { upstreamHealth } from "./upstream_health.ts";
