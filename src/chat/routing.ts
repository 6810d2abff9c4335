// Upstream routing: a model's deployments in priority order (weighted within a priority), tried in turn before
// the first byte reaches the client; health and key pools decide which are tried.
import { type Deployment, deploymentsOf, type ModelConfig, type RoutingConfig, type UpstreamConfig } from "../config.ts";
import type { HealthTracker, HealthView } from "./health.ts";
import type { KeyPool, KeyState } from "./key_pool.ts";
import { callUpstream, type UpstreamCall, type UpstreamFailure } from "./upstream.ts";

/** One try of one deployment, and how it failed (null: it served the call). */
export interface Attempt {
  upstream: string;
  upstreamModel: string;
  failure: string | null;
}

export type RouteResult =
  | { ok: true; call: UpstreamCall; served: Deployment; attempts: Attempt[] }
  | { ok: false; failure: UpstreamFailure; attempts: Attempt[] };

/** A deployment's state for operators: its health and the keys of its upstream out of rotation. */
export interface DeploymentStatus extends HealthView {
  model: string;
  upstream: string;
  upstream_model: string;
  priority: number;
  weight: number;
  keys_out: KeyState[];
}

export interface Router {
  /** Opens `model` at `path` with `body`, failing over before any byte was relayed; every try is in `attempts`. */
  open(model: ModelConfig, body: Record<string, unknown>, options: { signal: AbortSignal; path?: string }): Promise<RouteResult>;
  /** Every deployment's health and its upstream's keys out of rotation. */
  status(models: readonly ModelConfig[]): Promise<DeploymentStatus[]>;
}

// Each deployment's id, made once (a call's route asks for it twice); kept with the fields it was made of.
const ids = new WeakMap<object, { upstream: string; upstreamModel: string; id: string }>();

/** The health id of a deployment: deployments serving the same upstream model share their health. */
export function deploymentId(d: Pick<Deployment, "upstream" | "upstreamModel">): string {
  const known = ids.get(d);
  if (known && known.upstream === d.upstream && known.upstreamModel === d.upstreamModel) return known.id;
  const id = `${d.upstream}|${d.upstreamModel}`;
  ids.set(d, { upstream: d.upstream, upstreamModel: d.upstreamModel, id });
  return id;
}

/** Told of every upstream try: the upstream, "ok" or the failure's kind, and the seconds until its response headers. */
export type AttemptObserver = (upstream: string, outcome: string, seconds: number) => void;

/** Picks one of a group by weight: smooth weighted round-robin, so 3:1 weights give exactly 3 of every 4 picks. */
export type WeightedPicker = (group: string, weights: readonly number[]) => number;

/** Creates a smooth weighted round-robin picker (nginx's): state per group, no randomness. */
export function createWeightedPicker(): WeightedPicker {
  const current = new Map<string, number[]>();
  return (group, weights) => {
    let state = current.get(group);
    if (!state || state.length !== weights.length) current.set(group, (state = weights.map(() => 0)));
    const total = weights.reduce((a, b) => a + b, 0);
    let best = 0;
    for (let i = 0; i < weights.length; i++) {
      state[i]! += weights[i]!;
      if (state[i]! > state[best]!) best = i;
    }
    state[best]! -= total;
    return best;
  };
}

/**
 * Deployments in the order to try them: lower priority first; within a priority, `pick` chooses the first by
 * weight and the rest follow by weight, heaviest first.
 */
export function orderDeployments(deployments: readonly Deployment[], pick: (priority: number, weights: readonly number[]) => number): readonly Deployment[] {
  if (deployments.length < 2) return deployments;
  const byPriority = new Map<number, Deployment[]>();
  for (const d of deployments) byPriority.set(d.priority, [...(byPriority.get(d.priority) ?? []), d]);
  const ordered: Deployment[] = [];
  for (const priority of [...byPriority.keys()].sort((a, b) => a - b)) {
    const group = byPriority.get(priority)!;
    if (group.length === 1) {
      ordered.push(group[0]!);
      continue;
    }
    const first = group[pick(priority, group.map((d) => d.weight))]!;
    ordered.push(first, ...group.filter((d) => d !== first).sort((a, b) => b.weight - a.weight));
  }
  return ordered;
}

/** What went wrong in a try, as the record's error names it. */
function describe(failure: UpstreamFailure): string {
  return failure.kind === "timeout" && !failure.reason.includes("time") ? `timeout (${failure.reason})` : failure.reason;
}

/** The failure a caller sees when every try failed: the last one's kind, with each try named. */
function exhausted(model: ModelConfig, attempts: Attempt[], last: UpstreamFailure | null, why: string): UpstreamFailure {
  const tries = attempts.map((a) => `${a.upstream}: ${a.failure}`).join("; ");
  if (attempts.length === 1 && last) return last;
  return { kind: last?.kind === "timeout" ? "timeout" : "failed", upstream: `for ${model.id}`, reason: tries ? `${why} (${attempts.length} attempts: ${tries})` : why };
}

/** Creates the router over `upstreams` (or a function returning the live list) with the routing rules, health and key pools. */
export function createRouter(upstreams: readonly UpstreamConfig[] | (() => readonly UpstreamConfig[]), routing: RoutingConfig, parts: { health: HealthTracker; keys: KeyPool; now?: () => number; onAttempt?: AttemptObserver }): Router {
  // Operators add upstreams while the hub runs (the admin catalog): the map follows the list it is given.
  const live = typeof upstreams === "function" ? upstreams : () => upstreams;
  let seen: readonly UpstreamConfig[] | null = null;
  let map = new Map<string, UpstreamConfig>();
  const byName = { get: (name: string) => {
    const list = live();
    if (list !== seen) map = new Map(list.map((u) => [u.name, u])), seen = list;
    return map.get(name);
  } };
  const now = parts.now ?? performance.now.bind(performance);
  const { health, keys } = parts;
  const picker = createWeightedPicker();
  return {
    async open(model, body, options) {
      const started = now();
      const attempts: Attempt[] = [];
      let last: UpstreamFailure | null = null;
      const outOfTries = () => attempts.length >= routing.retry.attempts || (attempts.length > 0 && now() - started >= routing.retry.budgetMs);
      /** Tries one deployment (each usable key of its pool in turn on 401/403): a result that ends the call, or null to move on. */
      const tryDeployment = async (d: Deployment, upstream: UpstreamConfig, id: string): Promise<RouteResult | null> => {
        for (;;) {
          if (outOfTries()) return { ok: false, failure: exhausted(model, attempts, last, "out of attempts"), attempts };
          const key = keys.next(upstream);
          if (key === null) {
            last = { kind: "failed", upstream: upstream.name, reason: "every key is set aside or resting" };
            return null;
          }
          const triedAt = performance.now();
          const result = await callUpstream(upstream, d, body, { signal: options.signal, apiKey: key, path: options.path });
          parts.onAttempt?.(upstream.name, result.ok ? "ok" : result.failure.kind, (performance.now() - triedAt) / 1000);
          if (result.ok) {
            attempts.push({ upstream: upstream.name, upstreamModel: d.upstreamModel, failure: null });
            await health.succeeded(id);
            return { ok: true, call: result.call, served: d, attempts };
          }
          const failure = result.failure;
          attempts.push({ upstream: upstream.name, upstreamModel: d.upstreamModel, failure: describe(failure) });
          last = failure;
          // The caller's own error, or the caller gone: no other deployment would do better.
          if (failure.kind === "rejected" || failure.kind === "client_aborted") return { ok: false, failure, attempts };
          // A refused key is set aside and a throttled one rests: the pool's next key is tried; the deployment is not to blame.
          if (failure.kind === "key_refused") {
            keys.setAside(upstream, key, failure.reason);
            if (key) continue;
            return null;
          }
          if (failure.kind === "throttled") {
            keys.rest(upstream, key, failure.retryAfterMs ?? 1000);
            if (key) continue;
            return null;
          }
          await health.failed(id);
          return null;
        }
      };
      const cooling: Array<[Deployment, UpstreamConfig, string]> = [];
      for (const d of orderDeployments(deploymentsOf(model), (priority, weights) => picker(`${model.id}\u0000${priority}`, weights))) {
        const upstream = byName.get(d.upstream);
        if (!upstream) {
          last = { kind: "failed", upstream: d.upstream, reason: "the upstream is not configured" };
          attempts.push({ upstream: d.upstream, upstreamModel: d.upstreamModel, failure: last.reason });
          continue;
        }
        const id = deploymentId(d);
        if ((await health.admit(id)) === "cooling") {
          cooling.push([d, upstream, id]);
          continue;
        }
        const ended = await tryDeployment(d, upstream, id);
        if (ended) return ended;
      }
      // Every deployment cooling: they are tried anyway (a model with one upstream behaves as if it had no cooldown).
      if (attempts.length === 0) {
        for (const [d, upstream, id] of cooling) {
          const ended = await tryDeployment(d, upstream, id);
          if (ended) return ended;
        }
      }
      return { ok: false, failure: exhausted(model, attempts, last, "every deployment failed"), attempts };
    },
    async status(models) {
      const rows = models.flatMap((m) => m.upstream === "demo" ? [] : deploymentsOf(m).map((d) => ({ m, d })));
      const views = await health.view(rows.map((r) => deploymentId(r.d)));
      return rows.map(({ m, d }, i) => {
        const upstream = byName.get(d.upstream);
        return { model: m.id, upstream: d.upstream, upstream_model: d.upstreamModel, priority: d.priority, weight: d.weight, ...views[i]!, keys_out: upstream ? keys.view(upstream) : [] };
      });
    },
  };
}
