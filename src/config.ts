// Reads the environment once, validates it, and returns a frozen Config or a clear error.
import { mkdirSync, readFileSync, existsSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import { parseTrustProxy, type TrustProxy } from "./http/client_address.ts";
import { type AdminConfig, loadAdminConfig } from "./config_admin.ts";
import { ConfigError, demoModel, intFrom, loadUpstreams, type ModelConfig, numberFrom, type RoutingConfig, type UpstreamConfig, urlFrom } from "./config_upstreams.ts";

export { ConfigError };

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

export type { Deployment, ModelConfig, ModelNameClash, RoutingConfig, UpstreamConfig } from "./config_upstreams.ts";
export { claimModelNames, deploymentsOf } from "./config_upstreams.ts";

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  /** DATABASE_POOLER=transaction: DATABASE_URL points at PgBouncer (or alike) in transaction mode, so no prepared statements. */
  databasePooler: "none" | "transaction";
  /** Usage records older than this many days are dropped a whole month at a time (0: kept forever); rollups stay. */
  usageRetentionDays: number;
  redisUrl: string | null;
  /** REDIS_CLUSTER_NODES: "host:port" of some nodes of a Redis Cluster (instead of REDIS_URL). */
  redisClusterNodes: string[] | null;
  /** Prefix of every Redis key, so several hubs (or test runs) can share one Redis. */
  redisPrefix: string;
  jwtSecret: string;
  logLevel: LogLevel;
  sessionTtlHours: number;
  /** argon2id cost; tests lower it, production keeps Bun's defaults. */
  passwordCost: { memoryCost?: number; timeCost?: number };
  upstreams: readonly UpstreamConfig[];
  models: readonly ModelConfig[];
  /** Failover and cooldown rules for models with several deployments. */
  routing: RoutingConfig;
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
  /** 0: fdatasync each group of journaled records before their responses end; else at most this often (ms). */
  usageJournalSyncMs: number;
  /** The flusher's pause after a part-full batch (bigger batches); tests lengthen it to hold records in Redis. */
  usageFlushPauseMs: number;
  /** On SIGTERM: how long /ready fails before the listener closes, so load balancers stop sending first. */
  shutdownDrainMs: number;
  /** On SIGTERM: how long responses in flight (streams) may take to finish before they are cut. */
  shutdownGraceMs: number;
  secureCookies: boolean;
  /** Whose X-Forwarded-For entries name the client: nobody, the last N hops, or proxies in given ranges. */
  trustProxy: TrustProxy;
  /** Registration attempts (that pass validation) allowed per client address per hour. */
  registrationsPerHourPerAddress: number;
  /** The hub's own origin from PUBLIC_URL (e.g. https://hub.example.com), for the console's Origin check; null: the Host header. */
  publicOrigin: string | null;
  /** Hub processes sharing the port on this machine (WORKERS; 1 on the embedded default). */
  workers: number;
  /** METRICS_TOKEN: the bearer token GET /metrics requires; null (unset): /metrics is open. */
  metricsToken: string | null;
  /** Operators: ADMIN_EMAILS, ADMIN_IDLE_MINUTES and the key sealing upstream keys (config_admin.ts). */
  admin: AdminConfig;
  /** Mail, verification and webhooks (issue 12). */
  notifications: NotificationsConfig;
}

export interface NotificationsConfig {
  /** smtp:// or smtps:// with user and password; null: no mail is sent. */
  smtpUrl: string | null;
  mailFrom: string;
  /** Where links in mails point: PUBLIC_URL without its trailing slash, else http://localhost:PORT. */
  publicUrl: string;
  requireEmailVerification: boolean;
  webhookAllowPrivate: boolean;
  /** First retry delay of mails and webhook deliveries (doubling each time); tests shorten it. */
  retryBaseMs: number;
  /** How often each instance looks for due mails and deliveries. */
  pollMs: number;
  /** Whether this process runs the mail and webhook senders and the key-expiry sweep (tests turn them off). */
  workers: boolean;
}

const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error", "silent"];

function switchFrom(env: Record<string, string | undefined>, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (raw === "on" || raw === "true") return true;
  if (raw === "off" || raw === "false") return false;
  throw new ConfigError(`${name} must be on or off, got "${raw}"`);
}

/** Reads the JWT secret kept in the data directory, creating one on first start. */
function embeddedJwtSecret(dataDir: string): string {
  const file = join(dataDir, "jwt-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const secret = randomBytes(48).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** WORKERS=N or "auto" (one per core); more than one needs PostgreSQL and Redis, which the processes share. */
function workersFrom(env: Record<string, string | undefined>, databaseUrl: string | null, redis: boolean): number {
  const workers = env.WORKERS === "auto" ? availableParallelism() : intFrom(env, "WORKERS", 1, 1, 256);
  if (workers > 1 && (!databaseUrl || !redis)) {
    // PGlite is one process's database, and in-process limits are exact only within one process.
    throw new ConfigError(`WORKERS=${env.WORKERS} needs DATABASE_URL and REDIS_URL (or REDIS_CLUSTER_NODES): the embedded database (PGlite) belongs to one process and in-process rate limits are exact only within one, so the embedded default runs one hub process`);
  }
  return workers;
}

/** DATABASE_POOLER: "transaction" behind a transaction-mode pooler; "none" (or unset) when the hub holds its own connections. */
function poolerFrom(env: Record<string, string | undefined>, databaseUrl: string | null): "none" | "transaction" {
  const raw = env.DATABASE_POOLER || "none";
  if (raw !== "none" && raw !== "transaction") throw new ConfigError(`DATABASE_POOLER must be "transaction" (PgBouncer in transaction mode) or "none", got "${raw}"`);
  if (raw === "transaction" && !databaseUrl) throw new ConfigError("DATABASE_POOLER=transaction needs DATABASE_URL: the embedded database (PGlite) has no pooler in front of it");
  return raw;
}

/** REDIS_CLUSTER_NODES: comma-separated host:port of some nodes of a Redis Cluster (the rest are found from them). */
function clusterNodesFrom(env: Record<string, string | undefined>): string[] | null {
  const raw = env.REDIS_CLUSTER_NODES?.trim();
  if (!raw) return null;
  const nodes = raw.split(",").map((s) => s.trim()).filter(Boolean);
  for (const node of nodes) {
    const match = /^(\[[0-9a-fA-F:]+\]|[^\s:/@]+):(\d{1,5})$/.exec(node);
    if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) {
      throw new ConfigError(`REDIS_CLUSTER_NODES must be host:port pairs separated by commas (e.g. redis-1:6379,redis-2:6379), got "${node}"`);
    }
  }
  return nodes;
}

/** Where the hub's Redis is: one Redis (REDIS_URL), a cluster (REDIS_CLUSTER_NODES), or none (limits in process). */
export function redisTarget(config: Pick<Config, "redisUrl" | "redisClusterNodes">): { url: string } | { clusterNodes: string[] } | null {
  if (config.redisClusterNodes) return { clusterNodes: config.redisClusterNodes };
  return config.redisUrl ? { url: config.redisUrl } : null;
}

/** Validates the environment once; throws ConfigError saying what is wrong and how to fix it. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const port = intFrom(env, "PORT", 3000, 0, 65535);
  const host = env.HOST || "0.0.0.0";
  const dataDir = resolve(env.DATA_DIR || "./data");
  const databaseUrl = urlFrom(env, "DATABASE_URL", ["postgres:", "postgresql:"]);
  const redisUrl = urlFrom(env, "REDIS_URL", ["redis:", "rediss:"]);
  const redisClusterNodes = clusterNodesFrom(env);
  if (redisUrl && redisClusterNodes) throw new ConfigError("Set REDIS_URL (one Redis) or REDIS_CLUSTER_NODES (a Redis Cluster), not both");
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

  const { upstreams, models, defaultModel, routing } = loadUpstreams(env);
  const demoPrice = { input: numberFrom(env, "DEMO_INPUT_PRICE", 0), output: numberFrom(env, "DEMO_OUTPUT_PRICE", 0) };
  const allModels: ModelConfig[] = models.length > 0 ? models : [demoModel(demoPrice)];
  const chosenDefault = defaultModel ?? allModels[0]!.id;
  if (!allModels.some((m) => m.id === chosenDefault)) throw new ConfigError(`DEFAULT_MODEL "${chosenDefault}" is not in the model catalog (${allModels.map((m) => m.id).join(", ")})`);

  let trustProxy: TrustProxy;
  try {
    trustProxy = parseTrustProxy(env.TRUST_PROXY);
  } catch (error) {
    throw new ConfigError(`TRUST_PROXY ${(error as Error).message}`);
  }

  const workers = workersFrom(env, databaseUrl, Boolean(redisUrl || redisClusterNodes));
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
    databasePooler: poolerFrom(env, databaseUrl),
    usageRetentionDays: intFrom(env, "USAGE_RETENTION_DAYS", 400, 0, 100 * 366),
    redisUrl,
    redisClusterNodes,
    redisPrefix: env.REDIS_PREFIX || "aihub",
    jwtSecret,
    logLevel,
    sessionTtlHours: intFrom(env, "SESSION_TTL_HOURS", 24 * 7, 1, 24 * 365),
    passwordCost: { memoryCost, timeCost },
    upstreams: Object.freeze(upstreams),
    models: Object.freeze(allModels),
    routing: Object.freeze(routing),
    defaultModel: chosenDefault,
    demoChunkDelayMs: intFrom(env, "DEMO_CHUNK_DELAY_MS", 15, 0, 5_000),
    keyCacheTtlMs: intFrom(env, "KEY_CACHE_TTL_MS", 5_000, 0, 600_000),
    usageClaimIdleMs: intFrom(env, "USAGE_CLAIM_IDLE_MS", 15_000, 100, 3_600_000),
    reservationLeaseMs: intFrom(env, "RESERVATION_LEASE_MS", 15 * 60_000, 100, 7 * 24 * 3_600_000),
    usageJournal: switchFrom(env, "USAGE_JOURNAL", true),
    usageJournalReconcileMs: intFrom(env, "USAGE_JOURNAL_RECONCILE_MS", 5 * 60_000, 100, 24 * 3_600_000),
    usageJournalSyncMs: intFrom(env, "USAGE_JOURNAL_SYNC_MS", 100, 0, 10_000),
    usageFlushPauseMs: intFrom(env, "USAGE_FLUSH_PAUSE_MS", 200, 0, 3_600_000),
    shutdownDrainMs: intFrom(env, "SHUTDOWN_DRAIN_MS", 2_000, 0, 600_000),
    shutdownGraceMs: intFrom(env, "SHUTDOWN_GRACE_MS", 30_000, 0, 3_600_000),
    secureCookies: switchFrom(env, "SECURE_COOKIES", false),
    trustProxy,
    publicOrigin: publicUrl === null ? null : new URL(publicUrl).origin,
    registrationsPerHourPerAddress: intFrom(env, "REGISTRATIONS_PER_HOUR_PER_ADDRESS", 10, 1, 1_000_000),
    workers,
    metricsToken: env.METRICS_TOKEN || null,
    notifications: Object.freeze({
      smtpUrl: urlFrom(env, "SMTP_URL", ["smtp:", "smtps:"]),
      mailFrom: env.MAIL_FROM || "AI Hub <no-reply@localhost>",
      publicUrl: (publicUrl ?? `http://localhost:${port}`).replace(/\/+$/, ""),
      requireEmailVerification: switchFrom(env, "REQUIRE_EMAIL_VERIFICATION", false),
      webhookAllowPrivate: switchFrom(env, "WEBHOOK_ALLOW_PRIVATE", false),
      retryBaseMs: intFrom(env, "NOTIFY_RETRY_BASE_MS", 30_000, 10, 3_600_000),
      pollMs: intFrom(env, "NOTIFY_POLL_MS", 1_000, 10, 600_000),
      workers: switchFrom(env, "NOTIFY_WORKERS", true),
    }),
  });
}
