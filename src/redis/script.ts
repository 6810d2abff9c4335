// Runs Lua scripts by SHA, so a decision costs one round trip with the script's text sent only once.
import { createHash } from "node:crypto";
import type { RedisCommands } from "./fast_client.ts";

/** Returns a runner for `source` that uses EVALSHA, loading the script on the first NOSCRIPT (after a restart or flush). */
export function scriptRunner(redis: RedisCommands, source: string) {
  const sha = createHash("sha1").update(source).digest("hex");
  return async (keys: string[], args: string[]): Promise<unknown> => {
    try {
      return await redis.send("EVALSHA", [sha, String(keys.length), ...keys, ...args]);
    } catch (error) {
      if (!String((error as Error).message).includes("NOSCRIPT")) throw error;
      return await redis.send("EVAL", [source, String(keys.length), ...keys, ...args]);
    }
  };
}
