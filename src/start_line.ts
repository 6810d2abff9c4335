// The hub's first line for people: where to open it, what it stores in, and which models answer.
import type { Config } from "./config.ts";

/** "AI Hub is running at <url> · storage … · limits … · models …" (tests and benchmarks read the URL from it). */
export function startLine(config: Pick<Config, "databaseUrl" | "dataDir" | "redisUrl" | "upstreams" | "models"> & { redisClusterNodes?: string[] | null }, url: string, worker: string | null = null): string {
  const storage = config.databaseUrl ? "PostgreSQL" : `PGlite in ${config.dataDir}`;
  const limits = config.redisClusterNodes ? "Redis Cluster" : config.redisUrl ? "Redis" : "in-process";
  const models = config.upstreams.length === 0
    ? "demo (no upstream is configured: the offline demo model answers)"
    : `${config.models.length} from ${config.upstreams.map((u) => u.name).join(", ")}`;
  return `AI Hub is running at ${url} · storage: ${storage} · limits: ${limits} · models: ${models}${worker ? ` · worker ${worker}` : ""}`;
}
