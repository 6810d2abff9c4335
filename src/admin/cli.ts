// `bun run admin …`: operator commands against the configured database.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../config.ts";
import { migrate, openPglite, openPostgres } from "../db/mod.ts";
import { connectRedis, redisKeys } from "../redis/mod.ts";
import { CommandError, runAdminCommand } from "./commands.ts";

function hubHoldsDataDir(dataDir: string): number | null {
  const file = join(dataDir, "hub.pid");
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, "utf8"));
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

try {
  const config = loadConfig();
  if (!config.databaseUrl) {
    const pid = hubHoldsDataDir(config.dataDir);
    if (pid) throw new CommandError(`The hub (pid ${pid}) is running on ${config.dataDir}; the embedded database has one owner at a time. Stop the hub, run the command, start it again.`);
  }
  const database = config.databaseUrl ? await openPostgres(config.databaseUrl, { max: 1 }) : await openPglite(config.dataDir);
  try {
    await migrate(database);
    const { output, changedUserId } = await runAdminCommand(database.db, process.argv.slice(2));
    console.log(output);
    if (changedUserId !== null && config.redisUrl) {
      // Running hubs drop cached keys and quota counters of this user.
      const redis = await connectRedis(config.redisUrl);
      await redis.publish(redisKeys(config.redisPrefix).invalidation, JSON.stringify({ userId: changedUserId }));
      await redis.close();
    }
  } finally {
    await database.close();
  }
} catch (error) {
  if (error instanceof CommandError || error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
