// `npm run admin -- …`: operator commands. They go to the running hub over its local channel (channel.ts) when one
// runs on this data directory, else straight to the configured database.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, loadConfig, redisTarget } from "../config.ts";
import { migrate, openPglite, openPostgres } from "../db/mod.ts";
import { connectRedis, publish, redisKeys, RedisUnreachableError } from "../redis/mod.ts";
import { storedQuotaUsed } from "../usage/mod.ts";
import { sendToRunningHub } from "./channel.ts";
import { CommandError, runAdminCommand } from "./commands.ts";

function hubHoldsDataDir(dataDir: string): number | null {
  try {
    const pid = Number(readFileSync(join(dataDir, "hub.pid"), "utf8"));
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

try {
  const config = loadConfig();
  const args = process.argv.slice(2);
  const viaHub = await sendToRunningHub(config.dataDir, args);
  if (viaHub !== null) {
    console.log(viaHub);
    process.exit(0);
  }
  if (!config.databaseUrl) {
    const pid = hubHoldsDataDir(config.dataDir);
    if (pid) throw new CommandError(`The hub (pid ${pid}) is running on ${config.dataDir} but its admin channel did not answer; try again once it has started.`);
  }
  const database = config.databaseUrl ? await openPostgres(config.databaseUrl, { max: 1, pooler: config.databasePooler }) : await openPglite(config.dataDir);
  try {
    await migrate(database);
    const db = database.db;
    const changed: number[] = [];
    const { output } = await runAdminCommand({
      database,
      config,
      limits: { quotaUsed: (userId, periodKey) => storedQuotaUsed(db, userId, periodKey) },
      onUserChanged: (userId) => changed.push(userId),
    }, args);
    console.log(output);
    const target = redisTarget(config);
    if (changed.length > 0 && target) {
      // Running hubs (on PostgreSQL + Redis, reached without the channel) drop cached keys of this user.
      try {
        const redis = await connectRedis(target, () => {}, { deadlineMs: 5_000 });
        for (const userId of changed) await publish(redis, redisKeys(config.redisPrefix).invalidation, JSON.stringify({ userId }));
        await redis.close();
      } catch (error) {
        if (!(error instanceof RedisUnreachableError)) throw error;
        console.error(`The change is saved, but running hubs could not be told (${error.message}); they pick it up within their key cache's lifetime.`);
      }
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
