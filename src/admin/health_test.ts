import { describe, expect, test } from "bun:test";
import type { DeploymentStatus } from "../chat/mod.ts";
import { upstreamHealthByName } from "./health.ts";

const row = (over: Partial<DeploymentStatus>): DeploymentStatus => ({
  model: "m", upstream: "a", upstream_model: "m", priority: 1, weight: 1, state: "healthy", cooling_until: null, consecutive_failures: 0, keys_out: [], ...over,
});

describe("upstreamHealthByName()", () => {
  test("folds deployments per upstream: cooling upstream models once each, its keys out once", () => {
    const health = upstreamHealthByName([
      row({ model: "x", upstream: "a", upstream_model: "m1", state: "cooling_down", cooling_until: "2026-01-01T00:00:30.000Z" }),
      row({ model: "y", upstream: "a", upstream_model: "m1", state: "cooling_down", cooling_until: "2026-01-01T00:00:30.000Z", keys_out: [{ key: "#2", state: "set_aside", reason: "HTTP 401", until: null }] }),
      row({ model: "z", upstream: "b" }),
    ]);
    expect(health.get("a")).toEqual({ deployments: 2, cooling: [{ upstream_model: "m1", until: "2026-01-01T00:00:30.000Z", failures: 0 }], keys_out: [{ key: "#2", state: "set_aside", until: null }] });
    expect(health.get("b")).toEqual({ deployments: 1, cooling: [], keys_out: [] });
    expect(health.get("c")).toBeUndefined();
  });
});
