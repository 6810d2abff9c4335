// What operators see of upstream routing; GET /api/v1/admin/upstreams (the operator issue) is to serve this.
import type { DeploymentStatus } from "../chat/mod.ts";
import type { GatewayDeps } from "./deps.ts";

/** Every deployment of every model: healthy or cooling down until when, failures in a row, and its upstream's keys set aside or resting (named "#n", never by secret). */
export async function upstreamHealth(deps: Pick<GatewayDeps, "router" | "config">): Promise<DeploymentStatus[]> {
  return await deps.router.status(deps.config.models);
}
