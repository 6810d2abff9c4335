// What the metered developer call needs from the rest of the hub.
import type { Router } from "../chat/mod.ts";
import type { ModelConfig, UpstreamConfig } from "../config.ts";
import type { KeyVerifier } from "../keys/mod.ts";
import type { LimitStore } from "../limits/mod.ts";
import type { Logger } from "../log.ts";
import type { HubMetrics } from "../metrics/mod.ts";

export interface GatewayDeps {
  config: {
    readonly models: readonly ModelConfig[];
    readonly upstreams: readonly UpstreamConfig[];
    readonly defaultModel: string;
    readonly demoChunkDelayMs: number;
  };
  log: Logger;
  limits: LimitStore;
  keys: KeyVerifier;
  /** Picks and tries the deployments of a model (failover, health, key pools). */
  router: Router;
  /** Told after each admitted chat call with the quota used after it (quota alerts); must not throw or block. */
  onQuotaAdmitted(event: { userId: number; used: number; limit: number; periodKey: string }): void;
  /** Limit decisions and streams in progress are counted here (absent in tests that build deps by hand). */
  metrics?: Pick<HubMetrics, "limitDecision" | "streamOpened" | "streamClosed">;
}
