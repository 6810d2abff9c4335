// Reads the environment once, validates it, and returns a frozen Config or a clear error.
import { mkdirSync, readFileSync, existsSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { parseTrustProxy, type TrustProxy } from "./http/client_address.ts";
import { type AdminConfig, loadAdminConfig } from "./config_admin.ts";

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

/** An upstream provider that speaks the OpenAI chat-completions protocol. */
export interface UpstreamConfig {
  name: string;
  baseUrl: string;
  apiKey: string;
  /** Extra headers sent with every call (OpenRouter's HTTP-Referer / X-Title). */
  headers: Record<string, string>;
  timeoutMs: number;
}

/** A model the hub offers, with its upstream and prices in USD per million tokens. */
export interface ModelConfig {
  id: string;
  name: string;
  upstream: string;
  /** The model id sent upstream; defaults to id. */
  upstreamModel: string;
  inputPrice: number;
  outputPrice: number;
  free: boolean;
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  redisUrl: string | null;
  /** Prefix of every Redis key, so several hubs (or test runs) can share one Redis. */
  redisPrefix: string;
  jwtSecret: string;
  logLevel: LogLevel;
  sessionTtlHours: number;
  /** argon2id cost; tests lower it, production keeps Bun's defaults. */
  passwordCost: { memoryCost?: number; timeCost?: number };
  upstreams: readonly UpstreamConfig[];
  models: readonly ModelConfig[];
  defaultModel: string;
  /** Pause between the demo model's streamed words. */
  demoChunkDelayMs: number;
  keyCacheTtlMs: number;
  /** How long a usage record may sit unacknowledged (its instance died) before another instance stores it. */
  usageClaimIdleMs: number;
  /** How long a quota reservation may stay unsettled (its call crashed or hung) before it is given back. */
  reservationLeaseMs: number;
  /** With Redis: append each settled record to a local journal too, so it survives losing Redis before the flush. */
  usageJournal: boolean;
  /** How long a closed journal segment waits (the flusher has surely passed it) before it is reconciled. */
  usageJournalReconcileMs: number;
  /** The flusher's pause after a part-full batch (bigger batches); tests lengthen it to hold records in Redis. */
  usageFlushPauseMs: number;
  secureCookies: boolean;
  /** Whose X-Forwarded-For entries name the client: nobody, the last N hops, or proxies in given ranges. */
  trustProxy: TrustProxy;
  /** Registration attempts (that pass validation) allowed per client address per hour. */
  registrationsPerHourPerAddress: number;
  /** The hub's own origin from PUBLIC_URL (e.g. https://hub.example.com), for the console's Origin check; null: the Host header. */
  publicOrigin: string | null;
  /** Operators: ADMIN_EMAILS, ADMIN_IDLE_MINUTES and the key sealing upstream keys (config_admin.ts). */
  admin: AdminConfig;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error", "silent"];

function intFrom(env: Record<string, string | undefined>, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function switchFrom(env: Record<string, string | undefined>, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (raw === "on" || raw === "true") return true;
  if (raw === "off" || raw === "false") return false;
  throw new ConfigError(`${name} must be on or off, got "${raw}"`);
}

function numberFrom(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new ConfigError(`${name} must be a number ≥ 0, got "${raw}"`);
  return value;
}

function urlFrom(env: Record<string, string | undefined>, name: string, protocols: string[]): string | null {
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

/** Reads the JWT secret kept in the data directory, creating one on first start. */
function embeddedJwtSecret(dataDir: string): string {
  const file = join(dataDir, "jwt-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const secret = randomBytes(48).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

interface UpstreamFile {
  upstreams?: Array<Partial<UpstreamConfig> & { name: string; base_url?: string; api_key?: string; timeout_ms?: number }>;
  models?: Array<{ id: string; name?: string; upstream: string; upstream_model?: string; input_price?: number; output_price?: number }>;
  default_model?: string;
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

/** Builds the upstream and model catalog from UPSTREAMS_FILE, OPENROUTER_API_KEY or UPSTREAM_BASE_URL. */
function loadUpstreams(env: Record<string, string | undefined>): { upstreams: UpstreamConfig[]; models: ModelConfig[]; defaultModel: string | null } {
  const upstreams: UpstreamConfig[] = [];
  const models: ModelConfig[] = [];
  let defaultModel: string | null = env.DEFAULT_MODEL || null;
  const timeoutMs = intFrom(env, "UPSTREAM_TIMEOUT_MS", 120_000, 100, 3_600_000);
  const prices = { input: numberFrom(env, "UPSTREAM_INPUT_PRICE", 0), output: numberFrom(env, "UPSTREAM_OUTPUT_PRICE", 0) };

  if (env.UPSTREAMS_FILE) {
    let parsed: UpstreamFile;
    try {
      parsed = JSON.parse(readFileSync(env.UPSTREAMS_FILE, "utf8"));
    } catch (error) {
      throw new ConfigError(`UPSTREAMS_FILE ${env.UPSTREAMS_FILE} could not be read as JSON: ${(error as Error).message}`);
    }
    for (const u of parsed.upstreams ?? []) {
      const baseUrl = u.baseUrl ?? u.base_url;
      if (!u.name || !baseUrl) throw new ConfigError(`UPSTREAMS_FILE: every upstream needs "name" and "base_url"`);
      upstreams.push({ name: u.name, baseUrl: baseUrl.replace(/\/+$/, ""), apiKey: u.apiKey ?? u.api_key ?? "", headers: u.headers ?? {}, timeoutMs: u.timeoutMs ?? u.timeout_ms ?? timeoutMs });
    }
    for (const m of parsed.models ?? []) {
      if (!m.id || !upstreams.some((u) => u.name === m.upstream)) {
        throw new ConfigError(`UPSTREAMS_FILE: model "${m.id}" names unknown upstream "${m.upstream}"`);
      }
      const input = m.input_price ?? 0, output = m.output_price ?? 0;
      models.push({ id: m.id, name: m.name ?? m.id, upstream: m.upstream, upstreamModel: m.upstream_model ?? m.id, inputPrice: input, outputPrice: output, free: input === 0 && output === 0 });
    }
    defaultModel ??= parsed.default_model ?? null;
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
  return { upstreams, models, defaultModel };
}

/** Validates the environment once; throws ConfigError saying what is wrong and how to fix it. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const port = intFrom(env, "PORT", 3000, 0, 65535);
  const host = env.HOST || "0.0.0.0";
  const dataDir = resolve(env.DATA_DIR || "./data");
  const databaseUrl = urlFrom(env, "DATABASE_URL", ["postgres:", "postgresql:"]);
  const redisUrl = urlFrom(env, "REDIS_URL", ["redis:", "rediss:"]);
  const publicUrl = urlFrom(env, "PUBLIC_URL", ["http:", "https:"]);
  const logLevel = (env.LOG_LEVEL || "info") as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got "${env.LOG_LEVEL}"`);

  let jwtSecret = env.JWT_SECRET || "";
  if (jwtSecret && jwtSecret.length < 32) throw new ConfigError("JWT_SECRET must be at least 32 characters (try: openssl rand -base64 48)");
  if (!databaseUrl) {
    try {
      mkdirSync(dataDir, { recursive: true });
    } catch (error) {
      throw new ConfigError(`DATA_DIR ${dataDir} cannot be created: ${(error as Error).message}`);
    }
    if (!jwtSecret) jwtSecret = embeddedJwtSecret(dataDir);
  } else if (!jwtSecret) {
    throw new ConfigError("JWT_SECRET is required when DATABASE_URL is set: every hub instance must share it (try: openssl rand -base64 48)");
  }

  const { upstreams, models, defaultModel } = loadUpstreams(env);
  const demoPrice = { input: numberFrom(env, "DEMO_INPUT_PRICE", 0), output: numberFrom(env, "DEMO_OUTPUT_PRICE", 0) };
  const allModels: ModelConfig[] = models.length > 0 ? models : [{ id: "demo", name: "Demo (offline)", upstream: "demo", upstreamModel: "demo", inputPrice: demoPrice.input, outputPrice: demoPrice.output, free: demoPrice.input === 0 && demoPrice.output === 0 }];
  const chosenDefault = defaultModel ?? allModels[0]!.id;
  if (!allModels.some((m) => m.id === chosenDefault)) throw new ConfigError(`DEFAULT_MODEL "${chosenDefault}" is not in the model catalog (${allModels.map((m) => m.id).join(", ")})`);

  let trustProxy: TrustProxy;
  try {
    trustProxy = parseTrustProxy(env.TRUST_PROXY);
  } catch (error) {
    throw new ConfigError(`TRUST_PROXY ${(error as Error).message}`);
  }

  const memoryCost = env.PASSWORD_MEMORY_COST ? intFrom(env, "PASSWORD_MEMORY_COST", 65536, 8, 1 << 22) : undefined;
  const timeCost = env.PASSWORD_TIME_COST ? intFrom(env, "PASSWORD_TIME_COST", 2, 1, 64) : undefined;

  let admin: AdminConfig;
  try {
    admin = loadAdminConfig(env, { dataDir, embedded: !databaseUrl, jwtSecret });
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }

  return Object.freeze({
    admin,
    port,
    host,
    dataDir,
    databaseUrl,
    redisUrl,
    redisPrefix: env.REDIS_PREFIX || "aihub",
    jwtSecret,
    logLevel,
    sessionTtlHours: intFrom(env, "SESSION_TTL_HOURS", 24 * 7, 1, 24 * 365),
    passwordCost: { memoryCost, timeCost },
    upstreams: Object.freeze(upstreams),
    models: Object.freeze(allModels),
    defaultModel: chosenDefault,
    demoChunkDelayMs: intFrom(env, "DEMO_CHUNK_DELAY_MS", 15, 0, 5_000),
    keyCacheTtlMs: intFrom(env, "KEY_CACHE_TTL_MS", 5_000, 0, 600_000),
    usageClaimIdleMs: intFrom(env, "USAGE_CLAIM_IDLE_MS", 15_000, 100, 3_600_000),
    reservationLeaseMs: intFrom(env, "RESERVATION_LEASE_MS", 15 * 60_000, 100, 7 * 24 * 3_600_000),
    usageJournal: switchFrom(env, "USAGE_JOURNAL", true),
    usageJournalReconcileMs: intFrom(env, "USAGE_JOURNAL_RECONCILE_MS", 5 * 60_000, 100, 24 * 3_600_000),
    usageFlushPauseMs: intFrom(env, "USAGE_FLUSH_PAUSE_MS", 200, 0, 3_600_000),
    secureCookies: env.SECURE_COOKIES === "true",
    trustProxy,
    publicOrigin: publicUrl === null ? null : new URL(publicUrl).origin,
    registrationsPerHourPerAddress: intFrom(env, "REGISTRATIONS_PER_HOUR_PER_ADDRESS", 10, 1, 1_000_000),
  });
}
