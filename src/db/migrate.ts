// Applies the committed drizzle-kit migrations to either backend at start.
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { type Database, rowsOf } from "./client.ts";

export const MIGRATIONS_DIR = fileURLToPath(new URL("../../migrations", import.meta.url));

/** Any constant both hubs agree on: the transaction-scoped advisory lock instances migrate under. */
const MIGRATION_LOCK = 4242001;

/**
 * Brings the schema up to date; safe to call on every start and from several instances, directly on PostgreSQL or
 * through PgBouncer in transaction mode.
 *
 * Drizzle's own migrators keep their bookkeeping (drizzle.__drizzle_migrations, same rows, same hashes) but take no
 * lock, and a session advisory lock would stay behind on whichever server connection a pooler lent us. So pending
 * migrations run here in one transaction that first takes a transaction-scoped lock: instances starting together
 * queue on it, and the ones after the first find nothing left to do.
 */
export async function migrate(database: Database, options: { migrationsFolder?: string } = {}): Promise<void> {
  const migrations = readMigrationFiles({ migrationsFolder: options.migrationsFolder ?? MIGRATIONS_DIR });
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await tx.execute(sql`create schema if not exists drizzle`);
    await tx.execute(sql`create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`);
    const applied = await tx.execute(sql`select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`);
    const [latest] = rowsOf<{ created_at: string | number }>(applied);
    const last = latest ? Number(latest.created_at) : -1;
    for (const migration of migrations) {
      if (migration.folderMillis <= last) continue;
      for (const statement of migration.sql) await tx.execute(sql.raw(statement));
      await tx.execute(sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${migration.hash}, ${migration.folderMillis})`);
    }
  });
}
