// Entry point: load config → open database/Redis → migrate → createApp → listen; graceful shutdown on SIGTERM/SIGINT.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startAdminChannel } from "./admin/channel.ts";
import { createApp } from "./app.ts";
import { type Config, ConfigError, loadConfig } from "./config.ts";
import { createLogger, type Logger } from "./log.ts";
import { lastResortResponse } from "./http/mod.ts";
import { startFailure } from "./start_failure.ts";
import { startLine } from "./start_line.ts";
import { openRuntime } from "./runtime.ts";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Marks a process started by the primary (WORKERS > 1): it serves instead of spawning. */
const WORKER_ENV = "AIHUB_WORKER";

/**
 * WORKERS > 1: spawns that many copies of this process sharing one port (reusePort), forwards SIGTERM/SIGINT to
 * them, and exits when they have all exited; if one dies on its own the others are stopped too.
 */
async function runPrimary(config: Config, log: Logger): Promise<never> {
  const workers = Array.from({ length: config.workers }, (_, i) => Bun.spawn([process.execPath, ...process.argv.slice(1)], {
    env: { ...process.env, [WORKER_ENV]: String(i + 1), PORT: String(config.port) },
    stdio: ["ignore", "inherit", "inherit"],
  }));
  log.debug("started workers", { workers: workers.map((w) => w.pid), port: config.port });
  let stopping = false;
  const stopAll = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const w of workers) if (w.exitCode === null) w.kill(signal);
  };
  process.on("SIGTERM", () => stopAll("SIGTERM"));
  process.on("SIGINT", () => stopAll("SIGINT"));
  const codes = await Promise.all(workers.map(async (w) => {
    const code = await w.exited;
    if (!stopping) {
      log.error("a worker exited; stopping the others", { pid: w.pid, code });
      stopAll("SIGTERM");
    }
    return code;
  }));
  process.exit(codes.find((c) => c !== 0) ?? 0);
}

/** Listens on the configured port; throws EADDRINUSE when it is taken (workers of one hub alone share a port). */
function listen(app: ReturnType<typeof createApp>, config: Config, log: Logger): void {
  // Never Bun's development error page (it shows stack traces and file paths), whatever NODE_ENV says.
  app.listen({
    port: config.port,
    hostname: config.host,
    idleTimeout: 255,
    maxRequestBodySize: 8 * 1024 * 1024,
    development: false,
    // Only workers of one hub share a port: a second hub on a taken port must fail, not split the traffic.
    reusePort: config.workers > 1,
    error: (error) => {
      log.error("unhandled error outside the error hook", { error });
      return lastResortResponse();
    },
  });
}

/** A port of `host` nothing listens on right now. */
function freePort(host: string): number {
  const probe = Bun.serve({ port: 0, hostname: host, fetch: () => new Response() });
  const port = probe.port!;
  probe.stop(true);
  return port;
}

async function main(): Promise<void> {
  const started = performance.now();
  let config: Config | undefined;
  try {
    config = loadConfig();
    // PORT=0 takes a free port, chosen now so that everything naming the hub's address (links in mails, the
    // start line, every worker of WORKERS > 1) names the port it serves.
    if (config.port === 0) config = loadConfig({ ...process.env, PORT: String(freePort(config.host)) });
  } catch (error) {
    const why = error instanceof ConfigError ? error.message : config ? startFailure(error, config) : null;
    if (!why) throw error;
    console.error(`AI Hub cannot start: ${why}`);
    process.exit(2);
  }
  const log = createLogger(config.logLevel);
  if (config.workers > 1 && !process.env[WORKER_ENV]) await runPrimary(config, log);
  // A signal during start-up (a worker stopped with its siblings) stops the hub as soon as it is up; a second
  // one (Ctrl+C again) stops it at once.
  let stopRequested = null as string | null;
  let stop = async (signal: string) => {
    if (stopRequested) {
      console.error("AI Hub stopped before it finished starting.");
      if (lockHeld) rmSync(lockFile, { force: true });
      process.exit(signal === "SIGINT" ? 130 : 143);
    }
    stopRequested = signal;
    log.info("stopping once start-up is done; send the signal again to stop now", { signal });
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));

  // PGlite is single-process: refuse to open a data directory another live hub holds.
  const lockFile = join(config.dataDir, "hub.pid");
  let lockHeld = false;
  if (!config.databaseUrl) {
    if (existsSync(lockFile)) {
      const pid = Number(readFileSync(lockFile, "utf8"));
      if (pid && pid !== process.pid && isAlive(pid)) {
        console.error(`AI Hub cannot start: another hub (pid ${pid}) is using ${config.dataDir}. Stop it, or set DATA_DIR to another directory.`);
        process.exit(2);
      }
    }
    writeFileSync(lockFile, String(process.pid));
    lockHeld = true;
  }

  /** Ends a hub that cannot start: says why (a known cause), frees the data directory, exits 2. */
  const cannotStart = async (why: string, runtime?: { close(): Promise<void> }): Promise<never> => {
    console.error(`AI Hub cannot start: ${why}`);
    await runtime?.close().catch(() => {});
    if (lockHeld) rmSync(lockFile, { force: true });
    process.exit(2);
  };
  let runtime;
  try {
    runtime = await openRuntime(config, log);
  } catch (error) {
    const why = startFailure(error, config);
    if (!why) throw error;
    return await cannotStart(why);
  }
  // PGlite's first initialisation leaves hundreds of MB of garbage behind: collect it before serving.
  Bun.gc(true);
  const app = createApp(runtime.deps);
  try {
    listen(app, config, log);
  } catch (error) {
    if ((error as { code?: string }).code === "EADDRINUSE") {
      return await cannotStart(`port ${config.port} on ${config.host} is already in use (another hub or program listens there). Stop it, or set PORT to a free port.`, runtime);
    }
    const why = startFailure(error, config);
    if (!why) throw error;
    return await cannotStart(why, runtime);
  }
  const port = app.server?.port ?? config.port;
  // `npm run admin` reaches this hub through a loopback channel and a token file only this machine's operator can read.
  const channel = startAdminChannel(runtime.deps, { dataDir: config.dataDir, log });
  const worker = config.workers > 1 ? `${process.env[WORKER_ENV]}/${config.workers}` : null;
  // One plain line for people, whatever the log level (tests and benchmarks read the URL from it too).
  process.stdout.write(`${startLine(config, `http://localhost:${port}`, worker)}\n`);
  log.info("AI Hub is listening", {
    url: `http://localhost:${port}`,
    storage: config.databaseUrl ? "postgresql" : `pglite (${config.dataDir})`,
    limits: config.redisClusterNodes ? "redis cluster" : config.redisUrl ? "redis" : "in-process",
    ...(config.workers > 1 ? { worker: `${process.env[WORKER_ENV]}/${config.workers}` } : {}),
    upstreams: config.upstreams.map((u) => u.name),
    startup_ms: Math.round(performance.now() - started),
    rss_mb: Math.round(process.memoryUsage().rss / 1024 / 1024),
  });

  let stopping = false;
  stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", { signal });
    channel.stop();
    // 1. /ready fails at once, and the listener stays open a moment so load balancers move traffic away
    //    (Ctrl+C at a terminal has nobody to tell: no drain).
    runtime.beginDrain();
    if (signal === "SIGTERM") await Bun.sleep(config.shutdownDrainMs);
    // 2. No new connections; responses in flight (streams too) finish, up to the grace period, then are cut.
    const finished = app.server?.stop(false) ?? Promise.resolve();
    const inTime = await Promise.race([finished.then(() => true), Bun.sleep(config.shutdownGraceMs).then(() => false)]);
    if (!inTime) {
      log.warn("responses still in flight after the grace period; closing them", { grace_ms: config.shutdownGraceMs });
      await app.server?.stop(true);
    }
    // 3. Every usage record they left behind is written before the process ends.
    await runtime.close();
    if (!config.databaseUrl) rmSync(lockFile, { force: true });
    process.exit(0);
  };
  if (stopRequested) await stop(stopRequested);
}

await main();
