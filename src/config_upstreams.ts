// Reads the upstreams, models (deployments, aliases, prices) and routing rules from UPSTREAMS_FILE or the environment.
import { readFileSync } from "node:fs";

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** An upstream provider that speaks the OpenAI protocol, with its pool of keys. */
export interface UpstreamConfig {
  name: string;
  baseUrl: string;
  /** The first key of the pool ("" when the upstream needs none). */
  apiKey: string;
  /** The pool of keys rotated across calls (absent: just `apiKey`); a key refused (401/403) is set aside, one answered 429 rests. */
  apiKeys?: readonly string[];
  /** Extra headers sent with every call (OpenRouter's HTTP-Referer / X-Title). */
  headers: Record<string, string>;
  timeoutMs: number;
}

/** Where a model is served: an upstream, the model id it knows there, its priority (lower first) and weight. */
export interface Deployment {
  upstream: string;
  upstreamModel: string;
  priority: number;
  weight: number;
}

/** A model the hub offers, with its deployments and prices in USD per million tokens. */
export interface ModelConfig {
  id: string;
  name: string;
  /** The first deployment's upstream ("demo" for the built-in demo model). */
  upstream: string;
  /** The first deployment's model id upstream; defaults to id. */
  upstreamModel: string;
  inputPrice: number;
  outputPrice: number;
  free: boolean;
  /** Other names callers may use for this model. */
  aliases?: readonly string[];
  /** Where the model is served; absent means the single `upstream`/`upstreamModel`. */
  deployments?: readonly Deployment[];
}

/** How a call fails over (attempts, and a time budget after which no new attempt starts) and when a deployment cools down. */
export interface RoutingConfig {
  retry: { attempts: number; budgetMs: number };
  cooldown: { failures: number; seconds: number };
}

export const DEFAULT_ROUTING: RoutingConfig = { retry: { attempts: 3, budgetMs: 10_000 }, cooldown: { failures: 3, seconds: 30 } };

export function intFrom(env: Record<string, string | undefined>, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function numberFrom(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new ConfigError(`${name} must be a number ≥ 0, got "${raw}"`);
  return value;
}

export function urlFrom(env: Record<string, string | undefined>, name: string, protocols: string[]): string | null {
  const raw = env[name];
  if (raw === undefined || raw === "") return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URL (expected e.g. ${protocols[0]}//host:port/...)`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.join(" or ")}, got "${url.protocol}"`);
  }
  return raw;
}

/** The built-in offline demo model. */
export function demoModel(price: { input: number; output: number }): ModelConfig {
  return { id: "demo", name: "Demo (offline)", upstream: "demo", upstreamModel: "demo", inputPrice: price.input, outputPrice: price.output, free: price.input === 0 && price.output === 0 };
}

// The one deployment of each model of the older form, made once per model (its calls route through it).
const singleDeployment = new WeakMap<ModelConfig, readonly Deployment[]>();

/** The deployments of `model`: its list, or the single upstream of the older form. */
export function deploymentsOf(model: ModelConfig): readonly Deployment[] {
  if (model.deployments) return model.deployments;
  let single = singleDeployment.get(model);
  if (!single || single[0]!.upstream !== model.upstream || single[0]!.upstreamModel !== model.upstreamModel) {
    single = [{ upstream: model.upstream, upstreamModel: model.upstreamModel, priority: 1, weight: 1 }];
    singleDeployment.set(model, single);
  }
  return single;
}

/** Where a model's name is already taken: which name, as its id or an alias, and the id of the model that has it. */
export interface ModelNameClash {
  name: string;
  field: "id" | "aliases";
  owner: string;
}

/**
 * Every name (id or alias) must pick one model. Records `model`'s names, id first, in `taken` (name → the id of the
 * model it picks) and returns the first that was already there: another model's, or `model`'s own (an alias listed
 * twice or equal to its id); null when all were free. UPSTREAMS_FILE and the admin API refuse by this one rule.
 */
export function claimModelNames(model: { id: string; aliases?: readonly string[] }, taken: Map<string, string>): ModelNameClash | null {
  for (const [i, name] of [model.id, ...(model.aliases ?? [])].entries()) {
    const owner = taken.get(name);
    if (owner !== undefined) return { name, field: i === 0 ? "id" : "aliases", owner };
    taken.set(name, model.id);
  }
  return null;
}

interface FileUpstream {
  name: string;
  base_url?: string;
  baseUrl?: string;
  api_key?: string;
  apiKey?: string;
  api_keys?: string[];
  headers?: Record<string, string>;
  timeout_ms?: number;
  timeoutMs?: number;
}

interface FileModel {
  id: string;
  name?: string;
  aliases?: string[];
  upstream?: string;
  upstream_model?: string;
  input_price?: number;
  output_price?: number;
  deployments?: Array<{ upstream: string; upstream_model?: string; priority?: number; weight?: number }>;
}

interface UpstreamFile {
  upstreams?: FileUpstream[];
  models?: FileModel[];
  default_model?: string;
  retry?: { attempts?: number; budget_ms?: number };
  cooldown?: { failures?: number; seconds?: number };
}

function whole(value: unknown, what: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) throw new ConfigError(`UPSTREAMS_FILE: ${what} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return value;
}

function parseModelList(raw: string, upstream: string, prices: { input: number; output: number }): ModelConfig[] {
  return raw.split(",").map((s) => s.trim()).filter(Boolean).map((id) => ({
    id,
    name: id,
    upstream,
    upstreamModel: id,
    inputPrice: prices.input,
    outputPrice: prices.output,
    free: prices.input === 0 && prices.output === 0,
  }));
}

function fileUpstream(u: FileUpstream, timeoutMs: number): UpstreamConfig {
  const baseUrl = u.baseUrl ?? u.base_url;
  if (!u.name || !baseUrl) throw new ConfigError(`UPSTREAMS_FILE: every upstream needs "name" and "base_url"`);
  if (u.api_keys !== undefined && (!Array.isArray(u.api_keys) || u.api_keys.some((k) => typeof k !== "string" || !k))) {
    throw new ConfigError(`UPSTREAMS_FILE: upstream "${u.name}" has "api_keys" that is not a list of non-empty strings`);
  }
  const pool = u.api_keys ? { apiKeys: u.api_keys } : {};
  return { name: u.name, baseUrl: baseUrl.replace(/\/+$/, ""), apiKey: u.api_keys?.[0] ?? u.apiKey ?? u.api_key ?? "", ...pool, headers: u.headers ?? {}, timeoutMs: u.timeoutMs ?? u.timeout_ms ?? timeoutMs };
}

function fileModel(m: FileModel, upstreams: readonly UpstreamConfig[]): ModelConfig {
  if (!m.id) throw new ConfigError(`UPSTREAMS_FILE: every model needs an "id"`);
  const listed = m.deployments ?? (m.upstream === undefined ? [] : [{ upstream: m.upstream, upstream_model: m.upstream_model }]);
  if (listed.length === 0) throw new ConfigError(`UPSTREAMS_FILE: model "${m.id}" needs "upstream" or a non-empty "deployments" list`);
  const deployments = listed.map((d, i): Deployment => {
    if (!upstreams.some((u) => u.name === d.upstream)) throw new ConfigError(`UPSTREAMS_FILE: model "${m.id}" names unknown upstream "${d.upstream}"`);
    return { upstream: d.upstream, upstreamModel: d.upstream_model ?? m.upstream_model ?? m.id, priority: whole(d.priority, `model "${m.id}" deployments[${i}].priority`, 0, 1_000, 1), weight: whole(d.weight, `model "${m.id}" deployments[${i}].weight`, 1, 1_000_000, 1) };
  });
  const input = m.input_price ?? 0, output = m.output_price ?? 0;
  // The older single-upstream form loads as before: no deployments list, no aliases.
  const extra = { ...(m.aliases ? { aliases: m.aliases } : {}), ...(m.deployments ? { deployments } : {}) };
  return { id: m.id, name: m.name ?? m.id, upstream: deployments[0]!.upstream, upstreamModel: deployments[0]!.upstreamModel, inputPrice: input, outputPrice: output, free: input === 0 && output === 0, ...extra };
}

function readUpstreamFile(path: string): UpstreamFile {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ConfigError(`UPSTREAMS_FILE ${path} could not be read as JSON: ${(error as Error).message}`);
  }
}

/** Builds the upstreams, the model catalog and the routing rules from UPSTREAMS_FILE, OPENROUTER_API_KEY or UPSTREAM_BASE_URL. */
export function loadUpstreams(env: Record<string, string | undefined>): { upstreams: UpstreamConfig[]; models: ModelConfig[]; defaultModel: string | null; routing: RoutingConfig } {
  const upstreams: UpstreamConfig[] = [];
  const models: ModelConfig[] = [];
  let defaultModel: string | null = env.DEFAULT_MODEL || null;
  let routing = DEFAULT_ROUTING;
  const timeoutMs = intFrom(env, "UPSTREAM_TIMEOUT_MS", 120_000, 100, 3_600_000);
  const prices = { input: numberFrom(env, "UPSTREAM_INPUT_PRICE", 0), output: numberFrom(env, "UPSTREAM_OUTPUT_PRICE", 0) };

  if (env.UPSTREAMS_FILE) {
    const parsed = readUpstreamFile(env.UPSTREAMS_FILE);
    for (const u of parsed.upstreams ?? []) upstreams.push(fileUpstream(u, timeoutMs));
    for (const m of parsed.models ?? []) models.push(fileModel(m, upstreams));
    defaultModel ??= parsed.default_model ?? null;
    routing = {
      retry: { attempts: whole(parsed.retry?.attempts, "retry.attempts", 1, 20, DEFAULT_ROUTING.retry.attempts), budgetMs: whole(parsed.retry?.budget_ms, "retry.budget_ms", 0, 3_600_000, DEFAULT_ROUTING.retry.budgetMs) },
      cooldown: { failures: whole(parsed.cooldown?.failures, "cooldown.failures", 1, 1_000, DEFAULT_ROUTING.cooldown.failures), seconds: whole(parsed.cooldown?.seconds, "cooldown.seconds", 1, 86_400, DEFAULT_ROUTING.cooldown.seconds) },
    };
  }
  if (env.OPENROUTER_API_KEY) {
    upstreams.push({
      name: "openrouter",
      baseUrl: (env.OPENROUTER_BASE_URL || "https://openrouter.ai/api/v1").replace(/\/+$/, ""),
      apiKey: env.OPENROUTER_API_KEY,
      headers: { "HTTP-Referer": env.PUBLIC_URL || "http://localhost:3000", "X-Title": "AI Hub" },
      timeoutMs,
    });
    models.push(...parseModelList(env.OPENROUTER_MODELS || "openai/gpt-4o-mini,anthropic/claude-3.5-haiku,meta-llama/llama-3.1-8b-instruct:free", "openrouter", prices));
  }
  if (env.UPSTREAM_BASE_URL) {
    const baseUrl = urlFrom(env, "UPSTREAM_BASE_URL", ["http:", "https:"])!;
    if (!env.UPSTREAM_MODELS) throw new ConfigError("UPSTREAM_MODELS must list the models of UPSTREAM_BASE_URL, comma-separated (e.g. gpt-4o-mini,gpt-4o)");
    upstreams.push({ name: env.UPSTREAM_NAME || "upstream", baseUrl: baseUrl.replace(/\/+$/, ""), apiKey: env.UPSTREAM_API_KEY || "", headers: {}, timeoutMs });
    models.push(...parseModelList(env.UPSTREAM_MODELS, env.UPSTREAM_NAME || "upstream", prices));
  }
  const taken = new Map<string, string>();
  for (const model of models) {
    const clash = claimModelNames(model, taken);
    if (clash) throw new ConfigError(`The model name "${clash.name}" is used twice (as an id or alias): every name must pick one model`);
  }
  return { upstreams, models, defaultModel, routing };
}
