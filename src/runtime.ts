// Opens everything the app depends on (database, Redis, limits, usage pipeline) and closes it in order.
import { createHash } from "node:crypto";
import { hostname } from "node:os";
import { join } from "node:path";
import type { AuthDeps } from "./auth/mod.ts";
import { createHealthTracker, createKeyPool, createMemoryHealthStore, createRedisHealthStore, createRouter, type HealthStore } from "./chat/mod.ts";
import type { Config } from "./config.ts";
import type { ConsoleDeps } from "./console/mod.ts";
import { clientAddress } from "./http/client_address.ts";
import { type Database, migrate, openPglite, openPostgres } from "./db/mod.ts";
import type { GatewayDeps } from "./gateway/mod.ts";
import { createKeyVerifier, type KeyVerifier, type KeysDeps } from "./keys/mod.ts";
import { createMemoryLimitStore, createRedisLimitStore, type LimitStore } from "./limits/mod.ts";
import type { Logger } from "./log.ts";
import { createHubMetrics, type HubMetrics, type MetricsDeps } from "./metrics/mod.ts";
import { connectFastRedis, connectRedis, type Redis, redisKeys } from "./redis/mod.ts";
import { createMemoryThrottleStore, createRedisThrottleStore, type ThrottleStore } from "./throttle/mod.ts";
import { createGroupCommitWriter, openUsageJournal, startUsageFlusher, storedQuotaUsed, usageBatchWriter, type UsageDeps, type UsageFlusher, type UsageJournal, writeUsageBatch } from "./usage/mod.ts";

/** Everything the app's features need, opened once: each feature takes the part its own deps type names. */
export interface AppDeps extends AuthDeps, KeysDeps, UsageDeps, GatewayDeps, ConsoleDeps, MetricsDeps {
  config: Config;
  log: Logger;
  metrics: HubMetrics;
  database: Database;
  limits: LimitStore;
  throttle: ThrottleStore;
  keys: KeyVerifier;
  /** Pings Redis (for /ready) when the hub uses it. */
  redisPing: (() => Promise<void>) | null;
  /** True once the hub is shutting down: /ready fails so load balancers stop sending. */
  draining(): boolean;
  onUserChanged(userId: number): void;
}

export interface Runtime {
  deps: AppDeps;
  /** Starts a shutdown: /ready fails from now on, while calls in flight go on. */
  beginDrain(): void;
  /** Moves every settled usage record into the database now (tests, shutdown). */
  flushUsage(): Promise<void>;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** An already-open database (tests share one per process). */
  database?: Database;
  skipMigrate?: boolean;
}

/** Opens the database (PostgreSQL or PGlite), Redis when configured, and the usage pipeline. */
export async function openRuntime(config: Config, log: Logger, options: RuntimeOptions = {}): Promise<Runtime> {
  const database = options.database ?? (config.databaseUrl ? await openPostgres(config.databaseUrl) : await openPglite(config.dataDir));
  if (!options.skipMigrate) await migrate(database);
  const { db } = database;
  const loadQuota = (userId: number, periodKey: string) => storedQuotaUsed(db, userId, periodKey);

  let redis: Redis | null = null;
  let subscriber: Redis | null = null;
  let flusher: UsageFlusher | null = null;
  let journal: UsageJournal | null = null;
  let limits: LimitStore;
  let throttle: ThrottleStore;
  let health: HealthStore;
  let drainWriter = async () => {};
  const keys = createKeyVerifier(db, { ttlMs: config.keyCacheTtlMs });
  const INVALIDATION_CHANNEL = redisKeys(config.redisPrefix).invalidation;
  const metrics = createHubMetrics({ upstreams: config.upstreams.map((u) => u.name) });

  if (config.redisUrl) {
    let lastError = 0;
    redis = await connectRedis(config.redisUrl, (error) => {
      if (Date.now() - lastError > 5_000) log.warn("redis error", { error: error.message });
      lastError = Date.now();
    });
    if (config.usageJournal) {
      // One journal directory per database, so hubs sharing a data directory never replay into the wrong one.
      const database = createHash("sha256").update(config.databaseUrl ?? config.dataDir).digest("hex").slice(0, 12);
      journal = await openUsageJournal(join(config.dataDir, "journal", database), db, { log, reconcileAfterMs: config.usageJournalReconcileMs });
    }
    const fastRedis = await connectFastRedis(config.redisUrl);
    limits = createRedisLimitStore(fastRedis, { loadQuota, prefix: config.redisPrefix, leaseMs: config.reservationLeaseMs, journal });
    throttle = createRedisThrottleStore(fastRedis, { prefix: config.redisPrefix });
    health = createRedisHealthStore(fastRedis, { prefix: config.redisPrefix });
    flusher = await startUsageFlusher(redis, db, { consumer: `${hostname()}-${process.pid}-${crypto.randomUUID().slice(0, 8)}`, log, prefix: config.redisPrefix, claimIdleMs: config.usageClaimIdleMs, pauseMs: config.usageFlushPauseMs });
    metrics.samplePending(flusher.pending);
    // Revocations and operator changes reach every instance's key cache at once.
    subscriber = redis.duplicate();
    subscriber.on("error", () => {});
    await subscriber.connect();
    await subscriber.subscribe(INVALIDATION_CHANNEL, (message) => {
      try {
        keys.invalidate(JSON.parse(message) as { keyHash?: string; userId?: number });
      } catch {
        log.warn("ignored a malformed invalidation message");
      }
    });
  } else {
    const writer = createGroupCommitWriter(await usageBatchWriter(database), {
      onError: (error) => log.error("usage write failed", { error }),
    });
    limits = createMemoryLimitStore({ loadQuota, persist: (record) => writer.write(record), leaseMs: config.reservationLeaseMs });
    throttle = createMemoryThrottleStore();
    health = createMemoryHealthStore();
    drainWriter = () => writer.drain();
    metrics.samplePending(async () => writer.pending());
  }

  const invalidate = (target: { keyHash?: string; userId?: number }) => {
    keys.invalidate(target);
    redis?.publish(INVALIDATION_CHANNEL, JSON.stringify(target)).catch(() => {});
  };

  // With Redis, each instance trusts its copy of a deployment's health for a moment: a healthy call costs no round trip.
  const tracker = createHealthTracker(health, { ...config.routing.cooldown, refreshMs: config.redisUrl ? 250 : 0, onError: (error) => log.warn("upstream health store unavailable", { error }) });
  const router = createRouter(config.upstreams, config.routing, { health: tracker, keys: createKeyPool(), onAttempt: metrics.upstreamAttempt });

  let draining = false;
  const deps: AppDeps = {
    config,
    log,
    database,
    redisPing: redis ? () => limits.ping() : null,
    draining: () => draining,
    limits,
    throttle,
    keys,
    router,
    metrics,
    onKeyRevoked: (keyHash) => invalidate({ keyHash }),
    onUserChanged: (userId) => invalidate({ userId }),
    clientAddress: (request, server) => clientAddress(request, server?.requestIP(request)?.address ?? "unknown", config.trustProxy),
  };

  return {
    deps,
    beginDrain() {
      draining = true;
    },
    async flushUsage() {
      await drainWriter();
      if (flusher) await flusher.flushNow();
    },
    async close() {
      await drainWriter();
      await flusher?.stop();
      await subscriber?.close().catch(() => {});
      await redis?.close().catch(() => {});
      await throttle.close();
      await health.close();
      await limits.close();
      await journal?.close();
      keys.close();
      if (!options.database) await database.close();
    },
  };
}
