// The metered developer call: key guard → plan → admit → run → settle once → headers, and the developer-API routes.
export { gatewayRoutes } from "./routes.ts";
export { completionPlan } from "./posts.ts";
export { nativeGatewayRoutes } from "./native_routes.ts";
export { startCall } from "./call.ts";
export type { CallOutcome, DeveloperCall } from "./call.ts";
export { observePlan, runCall } from "./run.ts";
export type { GatewayDeps } from "./deps.ts";
export { upstreamHealth } from "./upstream_health.ts";
