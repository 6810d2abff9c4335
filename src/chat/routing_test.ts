// Deployment order (priority, then weight) and key pools, without HTTP.
import { describe, expect, test } from "bun:test";
import { type Deployment, deploymentsOf, type ModelConfig } from "../config.ts";
import { createKeyPool } from "./key_pool.ts";
import { createWeightedPicker, deploymentId, orderDeployments } from "./routing.ts";

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

describe("deploymentsOf() and deploymentId()", () => {
  test("a model of the single-upstream form routes through one deployment, remade when its upstream changes", () => {
    const model: ModelConfig = { id: "m", name: "m", upstream: "a", upstreamModel: "a-1", inputPrice: 0, outputPrice: 0, free: true };
    const first = deploymentsOf(model);
    expect(deploymentsOf(model)).toBe(first);
    expect(orderDeployments(first, () => 0)).toEqual([{ upstream: "a", upstreamModel: "a-1", priority: 1, weight: 1 }]);
    model.upstream = "b";
    expect(deploymentsOf(model)).toEqual([{ upstream: "b", upstreamModel: "a-1", priority: 1, weight: 1 }]);
  });

  test("a deployment's id follows its fields", () => {
    const deployment = d("a", 1);
    expect(deploymentId(deployment)).toBe("a|a");
    deployment.upstreamModel = "a-2";
    expect(deploymentId(deployment)).toBe("a|a-2");
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

  test("a rested key rejoins the rotation, which then goes round every key again", () => {
    let t = 0;
    const pool = createKeyPool({ now: () => t });
    expect(pool.next(upstream)).toBe("k1");
    pool.rest(upstream, "k2", 100);
    expect([pool.next(upstream), pool.next(upstream)]).toEqual(["k3", "k1"]);
    t = 101;
    expect([pool.next(upstream), pool.next(upstream), pool.next(upstream), pool.next(upstream)]).toEqual(["k2", "k3", "k1", "k2"]);
    expect(pool.next({ ...upstream, apiKeys: undefined })).toBe("k1");
  });

  test("an upstream without keys gets the empty key; one with every key out gets null", () => {
    const pool = createKeyPool();
    expect(pool.next({ ...upstream, apiKey: "", apiKeys: undefined })).toBe("");
    for (const k of upstream.apiKeys) pool.setAside(upstream, k, "HTTP 403");
    expect(pool.next(upstream)).toBeNull();
  });
});
