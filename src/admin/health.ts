// Upstream health for the /admin overview: each upstream's deployments folded into one line (cooling ones, keys out).
import type { DeploymentStatus } from "../chat/mod.ts";

/** What the overview shows of one upstream's health. */
export interface UpstreamHealth {
  /** How many deployments (model × upstream model) route to it; 0: nothing to judge. */
  deployments: number;
  cooling: Array<{ upstream_model: string; until: string | null; failures: number }>;
  /** Keys out of rotation, named #n by position, never by secret. */
  keys_out: Array<{ key: string; state: "set_aside" | "resting"; until: string | null }>;
}

/** Folds the router's per-deployment status into one health line per upstream name. */
export function upstreamHealthByName(statuses: readonly DeploymentStatus[]): Map<string, UpstreamHealth> {
  const byName = new Map<string, UpstreamHealth>();
  for (const s of statuses) {
    const h = byName.get(s.upstream) ?? { deployments: 0, cooling: [], keys_out: [] };
    h.deployments++;
    // Deployments of one upstream model share their health: list each once.
    if (s.state === "cooling_down" && !h.cooling.some((c) => c.upstream_model === s.upstream_model)) {
      h.cooling.push({ upstream_model: s.upstream_model, until: s.cooling_until, failures: s.consecutive_failures });
    }
    // Every deployment of an upstream reports the same key pool.
    if (h.keys_out.length === 0) h.keys_out = s.keys_out.map((k) => ({ key: k.key, state: k.state, until: k.until }));
    byName.set(s.upstream, h);
  }
  return byName;
}
