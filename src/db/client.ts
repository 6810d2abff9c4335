// Opens the database: PostgreSQL through postgres.js when a URL is given, embedded PGlite otherwise.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema/mod.ts";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  kind: "postgres" | "pglite";
  /** The PostgreSQL URL; null for PGlite. */
  url: string | null;
  /** Runs `select 1`; throws when the database cannot be reached. */
  ping(): Promise<void>;
  /**
   * Runs SQL text (no parameters) on the driver itself, without the ORM. Drizzle's PGlite session adds
   * ~0.3–0.45 ms to every statement (measured on `select 1`: ~0.4–0.55 ms through it, 0.03–0.07 ms without),
   * which the embedded usage write cannot afford.
   */
  exec(text: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Connects to PostgreSQL at `url` with a bounded pool. `pooler: "transaction"`: `url` is PgBouncer in transaction mode,
 * where consecutive statements may land on different server connections, so none is prepared by name.
 */
export async function openPostgres(url: string, options: { max?: number; pooler?: "none" | "transaction" } = {}): Promise<Database> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  // postgres.js's default backoff grows to 20 s between reconnection attempts: a hub would stay down
  // that long after PostgreSQL came back. A 1 s cap heals within a second and is still gentle on the server.
  const backoff = (retries: number) => (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** retries, 1);
  const client = postgres(url, { max: options.max ?? 20, onnotice: () => {}, connect_timeout: 5, idle_timeout: 60, backoff, prepare: options.pooler !== "transaction" });
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    db,
    kind: "postgres",
    url,
    ping: async () => {
      await client`select 1`;
    },
    exec: async (text) => {
      await client.unsafe(text);
    },
    close: () => client.end({ timeout: 5 }),
  };
}

/** The rows of a raw `db.execute()`: postgres.js returns them as the result, PGlite under `.rows`. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** Opens (or creates) the embedded PGlite database under `dataDir/pglite`. */
export async function openPglite(dataDir: string | null): Promise<Database> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  let client;
  if (dataDir) {
    // PGlite's own mkdir is not recursive.
    mkdirSync(dataDir, { recursive: true });
    client = await PGlite.create(join(dataDir, "pglite"));
  } else {
    client = await PGlite.create();
  }
  const db = drizzle({ client, schema }) as unknown as Db;
  return {
    db,
    kind: "pglite",
    url: null,
    ping: async () => {
      await client.query("select 1");
    },
    exec: async (text) => {
      await client.exec(text);
    },
    close: () => client.close(),
  };
}
