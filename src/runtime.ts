// Opens everything the app depends on (database, Redis, limits, usage pipeline) and closes it in order.
import { createHash } from "node:crypto";
import { hostname } from "node:os";
import { join } from "node:path";
import { type AdminDeps, promoteAdminEmails } from "./admin/mod.ts";
import { type AlertDeps, crossedThreshold, keyRevoked, quotaAdmitted, sweepExpiringKeys } from "./alerts/mod.ts";
import type { AccountCareDeps, AuthDeps } from "./auth/mod.ts";
import { type Catalog, createSealer, openCatalog } from "./catalog/mod.ts";
import { createHealthTracker, createKeyPool, createMemoryHealthStore, createRedisHealthStore, createRouter, type HealthStore } from "./chat/mod.ts";
import { type Config, redisTarget } from "./config.ts";
import type { ConsoleDeps } from "./console/mod.ts";
import { clientAddress } from "./http/client_address.ts";
import { eq } from "drizzle-orm";
import { type Database, migrate, openPglite, openPostgres, schema } from "./db/mod.ts";
import type { GatewayDeps } from "./gateway/mod.ts";
import { createKeyVerifier, type KeyVerifier, type KeysDeps } from "./keys/mod.ts";
import { createMemoryLimitStore, createRedisLimitStore, type LimitStore } from "./limits/mod.ts";
import type { Logger } from "./log.ts";
import { createHubMetrics, type HubMetrics, type MetricsDeps } from "./metrics/mod.ts";
import { connectFastRedis, connectFastRedisCluster, connectRedis, publish, type Redis, redisKeys, subscribe } from "./redis/mod.ts";
import { loadPlans } from "./plans/mod.ts";
import { createMemoryThrottleStore, createRedisThrottleStore, type ThrottleStore } from "./throttle/mod.ts";
import { createMailer, type Mailer, type Sender, startLoop, startMailSender } from "./mail/mod.ts";
import { startWebhookSender, type WebhooksDeps } from "./webhooks/mod.ts";
import { createGroupCommitWriter, maintainUsagePartitions, openUsageJournal, type PartitionRound, startUsageFlusher, storedQuotaUsed, usageBatchWriter, type UsageDeps, type UsageFlusher, type UsageJournal, writeUsageBatch } from "./usage/mod.ts";

/** Everything the app's features need, opened once: each feature takes the part its own deps type names. */
export interface AppDeps extends AuthDeps, AccountCareDeps, KeysDeps, UsageDeps, GatewayDeps, ConsoleDeps, WebhooksDeps, AdminDeps, MetricsDeps {
  config: Config;
  log: Logger;
  metrics: HubMetrics;
  database: Database;
  limits: LimitStore;
  throttle: ThrottleStore;
  keys: KeyVerifier;
  catalog: Catalog;
  /** Pings Redis (for /ready) when the hub uses it. */
  redisPing: (() => Promise<void>) | null;
  /** True once the hub is shutting down: /ready fails so load balancers stop sending. */
  draining(): boolean;
  onUserChanged(userId: number): void;
  mailer: Mailer;
}

export interface Runtime {
  deps: AppDeps;
  /** Starts a shutdown: /ready fails from now on, while calls in flight go on. */
  beginDrain(): void;
  /** Moves every settled usage record into the database now (tests, shutdown). */
  flushUsage(): Promise<void>;
  /** One round of usage partition upkeep now (months ahead, strays moved, expired months dropped); hourly otherwise. */
  maintainUsage(): Promise<PartitionRound>;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** An already-open database (tests share one per process). */
  database?: Database;
  skipMigrate?: boolean;
}

/** How long a starting hub waits for Redis (it may come up moments after the hub) before giving up with a message. */
const REDIS_START_DEADLINE_MS = 10_000;

/** Opens the database (PostgreSQL or PGlite), Redis when configured, and the usage pipeline. */
export async function openRuntime(config: Config, log: Logger, options: RuntimeOptions = {}): Promise<Runtime> {
  const database = options.database ?? (config.databaseUrl ? await openPostgres(config.databaseUrl, { pooler: config.databasePooler }) : await openPglite(config.dataDir));
  if (!options.skipMigrate) await migrate(database);
  const { db } = database;
  await loadPlans(db);
  const promoted = await promoteAdminEmails(db, config.admin.emails);
  if (promoted.length > 0) log.info("ADMIN_EMAILS: promoted to admin", { emails: promoted });
  const catalog = await openCatalog(db, { config, sealer: createSealer(config.admin.catalogKey), onError: () => log.error("an upstream key could not be decrypted: was the catalog key (CATALOG_SECRET or DATA_DIR/catalog-key) changed?") });
  const loadQuota = (userId: number, periodKey: string) => storedQuotaUsed(db, userId, periodKey);

  let redis: Redis | null = null;
  let unsubscribe: (() => Promise<void>) | null = null;
  let flusher: UsageFlusher | null = null;
  let journal: UsageJournal | null = null;
  let limits: LimitStore;
  let throttle: ThrottleStore;
  let health: HealthStore;
  let drainWriter = async () => {};
  const keys = createKeyVerifier(db, { ttlMs: config.keyCacheTtlMs });
  const INVALIDATION_CHANNEL = redisKeys(config.redisPrefix).invalidation;
  // Upstreams operators add later get their series on first use.
  const metrics = createHubMetrics({ upstreams: catalog.upstreams().map((u) => u.name) });
  type Notice = { keyHash?: string; userId?: number; plans?: boolean; catalog?: boolean };
  // What a change notice does on this instance: key cache entries dropped, plans or the catalog read again.
  const apply = (notice: Notice) => {
    if (notice.plans) void loadPlans(db).then(() => keys.invalidate({ all: true }), (error) => log.error("reloading plans failed", { error }));
    if (notice.catalog) void catalog.reload().catch((error) => log.error("reloading the catalog failed", { error }));
    if (notice.keyHash !== undefined || notice.userId !== undefined) keys.invalidate(notice);
  };

  const target = redisTarget(config);
  if (target) {
    let lastError = 0;
    redis = await connectRedis(target, (error) => {
      if (Date.now() - lastError > 5_000) log.warn("redis error", { error: error.message });
      lastError = Date.now();
    }, { deadlineMs: REDIS_START_DEADLINE_MS });
    if (config.usageJournal) {
      // One journal directory per database, so hubs sharing a data directory never replay into the wrong one.
      const database = createHash("sha256").update(config.databaseUrl ?? config.dataDir).digest("hex").slice(0, 12);
      journal = await openUsageJournal(join(config.dataDir, "journal", database), db, { log, reconcileAfterMs: config.usageJournalReconcileMs, syncMs: config.usageJournalSyncMs });
    }
    // On a cluster the hot path routes each command to its slot's master itself (MOVED/ASK followed).
    const fastRedis = "url" in target ? await connectFastRedis(target.url) : await connectFastRedisCluster(target.clusterNodes);
    limits = createRedisLimitStore(fastRedis, { loadQuota, prefix: config.redisPrefix, leaseMs: config.reservationLeaseMs, journal });
    throttle = createRedisThrottleStore(fastRedis, { prefix: config.redisPrefix });
    health = createRedisHealthStore(fastRedis, { prefix: config.redisPrefix });
    flusher = await startUsageFlusher(redis, db, { consumer: `${hostname()}-${process.pid}-${crypto.randomUUID().slice(0, 8)}`, log, prefix: config.redisPrefix, claimIdleMs: config.usageClaimIdleMs, pauseMs: config.usageFlushPauseMs });
    metrics.samplePending(flusher.pending);
    // Revocations and operator changes reach every instance's key cache at once.
    unsubscribe = await subscribe(redis, INVALIDATION_CHANNEL, (message) => {
      try {
        apply(JSON.parse(message) as Notice);
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

  const invalidate = (notice: Notice) => {
    if (notice.plans) keys.invalidate({ all: true });
    else if (!notice.catalog) keys.invalidate(notice);
    if (redis) publish(redis, INVALIDATION_CHANNEL, JSON.stringify(notice)).catch(() => {});
  };

  // With Redis, each instance trusts its copy of a deployment's health for a moment: a healthy call costs no round trip.
  const tracker = createHealthTracker(health, { ...config.routing.cooldown, refreshMs: target ? 250 : 0, onError: (error) => log.warn("upstream health store unavailable", { error }) });
  const router = createRouter(() => catalog.upstreams(), config.routing, { health: tracker, keys: createKeyPool(), onAttempt: metrics.upstreamAttempt });

  // Mail, webhooks and alerts (issue 12): requests queue rows; this instance's loops deliver them.
  const notify = config.notifications;
  const workers: Sender[] = [];
  let webhookSender: Sender | null = null;
  const wakeWebhooks = () => webhookSender?.wake();
  let mailSender: Sender | null = null;
  const mailer = createMailer(db, { enabled: notify.smtpUrl !== null, onQueued: () => mailSender?.wake() });
  const alertDeps: AlertDeps = { db, mailer, log, publicUrl: notify.publicUrl, wakeWebhooks };
  if (notify.workers) {
    if (notify.smtpUrl) workers.push(mailSender = startMailSender(db, { smtpUrl: notify.smtpUrl, from: notify.mailFrom, log, retryBaseMs: notify.retryBaseMs, pollMs: notify.pollMs }));
    workers.push(webhookSender = startWebhookSender(db, {
      log,
      allowPrivate: notify.webhookAllowPrivate,
      retryBaseMs: notify.retryBaseMs,
      pollMs: notify.pollMs,
      onDisabled: (hook) => void findOwner(hook.userId).then((owner) => owner && mailer.send(owner.email, owner.lang, { kind: "webhook_disabled", webhookUrl: hook.url, url: `${notify.publicUrl}/dashboard/settings` })).catch(() => {}),
    }));
    workers.push(startLoop(() => sweepExpiringKeys(alertDeps), { pollMs: Math.max(notify.pollMs, 3600_000), log, name: "key expiry sweep" }));
  }
  // Usage partitions: one round before serving (a hub down over a month boundary gets its month), then hourly.
  const maintainUsage = async () => {
    const round = await maintainUsagePartitions(db, { retentionDays: config.usageRetentionDays });
    if (round.created.length + round.dropped.length + round.moved + round.expired > 0) log.info("usage partitions maintained", { ...round });
    return round;
  };
  await maintainUsage().catch((error) => log.warn("usage partition maintenance failed; will retry within the hour", { error }));
  workers.push(startLoop(async () => (await maintainUsage(), 0), { pollMs: 3600_000, log, name: "usage partition maintenance" }));
  const findOwner = async (userId: number) => (await db.select().from(schema.users).where(eq(schema.users.id, userId)).limit(1))[0] ?? null;
  const background = (what: string) => (error: unknown) => log.error(`${what} failed`, { error });

  let draining = false;
  const deps: AppDeps = {
    // models and upstreams read the live catalog (configuration entries plus the database's), so every reader of
    // config.models / config.upstreams (gateway, console) follows operators' changes.
    config: Object.freeze(Object.defineProperties({ ...config }, {
      models: { get: () => catalog.models(), enumerable: true },
      upstreams: { get: () => catalog.upstreams(), enumerable: true },
    })),
    catalog,
    onPlansChanged: () => invalidate({ plans: true }),
    onCatalogChanged: () => invalidate({ catalog: true }),
    log,
    database,
    redisPing: redis ? () => limits.ping() : null,
    draining: () => draining,
    limits,
    throttle,
    keys,
    router,
    metrics,
    onKeyChanged: (keyHash) => invalidate({ keyHash }),
    onKeyRevoked: (keyHash) => {
      invalidate({ keyHash });
      keyRevoked(alertDeps, keyHash).catch(background("key.revoked event"));
    },
    // Every admitted chat call passes here: only the one landing on 80 % or 100 % starts any async work.
    onQuotaAdmitted: (event) => {
      if (crossedThreshold(event.used, event.limit) !== null) void quotaAdmitted(alertDeps, event).catch(background("quota alert"));
    },
    mailer,
    wakeWebhooks,
    onUserChanged: (userId) => invalidate({ userId }),
    clientAddress: (request, server) => clientAddress(request, server?.requestIP(request)?.address ?? "unknown", config.trustProxy),
  };

  return {
    deps,
    beginDrain() {
      draining = true;
    },
    maintainUsage,
    async flushUsage() {
      await drainWriter();
      if (flusher) await flusher.flushNow();
    },
    async close() {
      await Promise.all(workers.map((w) => w.stop()));
      await drainWriter();
      await flusher?.stop();
      await unsubscribe?.().catch(() => {});
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
