// Why a hub could not start, as one line naming what to fix: the database or Redis out of reach, an address it cannot listen on.
import type { Config } from "./config.ts";
import { isDatabaseUnavailable } from "./db/mod.ts";
import { withoutCredentials } from "./lib/mod.ts";
import { RedisUnreachableError } from "./redis/mod.ts";

const codeOf = (error: unknown) => String((error as { code?: unknown } | null)?.code ?? "");

/** What to tell the operator about `error`, thrown while opening storage or listening; null for a failure that is a bug. */
export function startFailure(error: unknown, config: Pick<Config, "databaseUrl" | "redisClusterNodes" | "host" | "port">): string | null {
  if (error instanceof RedisUnreachableError) return `${error.message}. Start Redis, or fix ${config.redisClusterNodes ? "REDIS_CLUSTER_NODES" : "REDIS_URL"}.`;
  const code = codeOf(error);
  const message = (error as Error | null)?.message ?? String(error);
  if (config.databaseUrl) {
    const database = withoutCredentials(config.databaseUrl, "the URL in DATABASE_URL");
    if (code === "3D000") return `PostgreSQL at ${database} says: ${message}. Create the database, or fix DATABASE_URL.`;
    if (code === "28P01" || code === "28000") return `PostgreSQL at ${database} refused the login: ${message}. Fix the user or password in DATABASE_URL.`;
    if (isDatabaseUnavailable(error)) return `cannot reach PostgreSQL at ${database} (${code || message}). Start it, or fix DATABASE_URL.`;
  }
  if (code === "EADDRNOTAVAIL" || code === "EINVAL") return `cannot listen on ${config.host}: it is not an address of this machine (${code}). Set HOST to one of its addresses, or 0.0.0.0 for all.`;
  if (code === "EACCES") return `not allowed to listen on port ${config.port} (${code}). Use a port above 1023, or run with the right to bind it.`;
  return null;
}
