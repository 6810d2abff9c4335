// Applies the committed drizzle-kit migrations to either backend at start.
import { fileURLToPath } from "node:url";
import type { Database } from "./client.ts";

export const MIGRATIONS_DIR = fileURLToPath(new URL("../../migrations", import.meta.url));

/** Brings the schema up to date; safe to call on every start and from several instances. */
export async function migrate(database: Database): Promise<void> {
  if (database.kind === "pglite") {
    const { migrate: run } = await import("drizzle-orm/pglite/migrator");
    await run(database.db as never, { migrationsFolder: MIGRATIONS_DIR });
  } else {
    // One connection holding an advisory lock, so instances starting together migrate one at a time.
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const { migrate: run } = await import("drizzle-orm/postgres-js/migrator");
    const client = postgres(database.url!, { max: 1, onnotice: () => {} });
    try {
      await client`select pg_advisory_lock(4242001)`;
      await run(drizzle(client), { migrationsFolder: MIGRATIONS_DIR });
    } finally {
      await client.end({ timeout: 5 });
    }
  }
}
