// Deployment order (priority, then weight) and key pools, without HTTP.
import { describe, expect, test } from "bun:test";
import type { Deployment } from "../config.ts";
import { createKeyPool } from "./key_pool.ts";
import { createWeightedPicker, orderDeployments } from "./routing.ts";

const d = (upstream: string, priority: number, weight = 1): Deployment => ({ upstream, upstreamModel: upstream, priority, weight });

describe("orderDeployments()", () => {
  test("lower priority first; within a priority the picked one, then the rest heaviest first", () => {
    const order = orderDeployments([d("c", 2), d("a", 1, 1), d("b", 1, 5), d("z", 1, 2)], () => 0);
    expect(order.map((x) => x.upstream)).toEqual(["a", "b", "z", "c"]);
  });

  test("the weighted picker gives exactly 3 of every 4 picks to a 3:1 weight, interleaved", () => {
    const pick = createWeightedPicker();
    const picks = Array.from({ length: 8 }, () => pick("g", [3, 1]));
    expect(picks.filter((p) => p === 0)).toHaveLength(6);
    expect(picks.slice(0, 4).filter((p) => p === 1)).toHaveLength(1);
  });
});

describe("createKeyPool()", () => {
  const upstream = { name: "u", baseUrl: "http://x", apiKey: "k1", apiKeys: ["k1", "k2", "k3"], headers: {}, timeoutMs: 1000 };

  test("rotates keys, skips a set-aside key for good and a resting key until it has rested", () => {
    let t = 0;
    const pool = createKeyPool({ now: () => t });
    expect([pool.next(upstream), pool.next(upstream), pool.next(upstream), pool.next(upstream)]).toEqual(["k1", "k2", "k3", "k1"]);
    pool.setAside(upstream, "k2", "HTTP 401");
    pool.rest(upstream, "k3", 500);
    expect([pool.next(upstream), pool.next(upstream)]).toEqual(["k1", "k1"]);
    expect(pool.view(upstream)).toEqual([{ key: "#2", state: "set_aside", reason: "HTTP 401", until: null }, { key: "#3", state: "resting", reason: "HTTP 429", until: new Date(500).toISOString() }]);
    t = 501;
    expect([pool.next(upstream), pool.next(upstream)]).toEqual(["k3", "k1"]);
  });

  test("an upstream without keys gets the empty key; one with every key out gets null", () => {
    const pool = createKeyPool();
    expect(pool.next({ ...upstream, apiKey: "", apiKeys: undefined })).toBe("");
    for (const k of upstream.apiKeys) pool.setAside(upstream, k, "HTTP 403");
    expect(pool.next(upstream)).toBeNull();
  });
});
