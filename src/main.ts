// Entry point: load config → open database/Redis → migrate → createApp → listen; graceful shutdown on SIGTERM/SIGINT.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startAdminChannel } from "./admin/channel.ts";
import { createApp } from "./app.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { lastResortResponse } from "./http/mod.ts";
import { createLogger } from "./log.ts";
import { openRuntime } from "./runtime.ts";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`AI Hub cannot start: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);

  // PGlite is single-process: refuse to open a data directory another live hub holds.
  const lockFile = join(config.dataDir, "hub.pid");
  if (!config.databaseUrl) {
    if (existsSync(lockFile)) {
      const pid = Number(readFileSync(lockFile, "utf8"));
      if (pid && pid !== process.pid && isAlive(pid)) {
        console.error(`AI Hub cannot start: another hub (pid ${pid}) is using ${config.dataDir}. Stop it, or set DATA_DIR to another directory.`);
        process.exit(2);
      }
    }
    writeFileSync(lockFile, String(process.pid));
  }

  const runtime = await openRuntime(config, log);
  // PGlite's first initialisation leaves hundreds of MB of garbage behind: collect it before serving.
  Bun.gc(true);
  const app = createApp(runtime.deps);
  // Never Bun's development error page (it shows stack traces and file paths), whatever NODE_ENV says.
  app.listen({
    port: config.port,
    hostname: config.host,
    idleTimeout: 255,
    maxRequestBodySize: 8 * 1024 * 1024,
    development: false,
    error: (error) => {
      log.error("unhandled error outside the error hook", { error });
      return lastResortResponse();
    },
  });
  const port = app.server?.port ?? config.port;
  // `npm run admin` reaches this hub through a loopback channel and a token file only this machine's operator can read.
  const channel = startAdminChannel(runtime.deps, { dataDir: config.dataDir, log });
  log.info("AI Hub is listening", {
    url: `http://localhost:${port}`,
    storage: config.databaseUrl ? "postgresql" : `pglite (${config.dataDir})`,
    limits: config.redisUrl ? "redis" : "in-process",
    upstreams: config.upstreams.map((u) => u.name),
    startup_ms: Math.round(performance.now() - started),
    rss_mb: Math.round(process.memoryUsage().rss / 1024 / 1024),
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", { signal });
    // Stop accepting, let in-flight responses finish, then write what they left behind.
    channel.stop();
    await app.server?.stop(false);
    await runtime.close();
    if (!config.databaseUrl) rmSync(lockFile, { force: true });
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

await main();
