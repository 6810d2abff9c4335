// One database per backend per test process: in-memory PGlite, and a fresh PostgreSQL database dropped at exit.
import { type Database, migrate, openPglite, openPostgres } from "../db/mod.ts";

export type Backend = "pglite" | "postgres";

/** The backends the suites run on: TEST_BACKENDS (comma-separated), both by default. */
export const BACKENDS: Backend[] = ((process.env.TEST_BACKENDS ?? "pglite,postgres").split(",").map((s) => s.trim()).filter(Boolean)) as Backend[];

export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

const opened = new Map<Backend, Promise<Database>>();
const created: string[] = [];

/** The URL of a fresh, migrated PostgreSQL database for this process. */
export async function freshPostgresUrl(): Promise<string> {
  const { default: postgres } = await import("postgres");
  const admin = postgres(POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
  const name = `aihub_test_${process.pid}_${Date.now().toString(36)}_${created.length}`;
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  created.push(name);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The shared, migrated database of `backend` for this test process. */
export function testDatabase(backend: Backend): Promise<Database> {
  let db = opened.get(backend);
  if (!db) {
    db = (async () => {
      const database = backend === "pglite" ? await openPglite(null) : await openPostgres(await freshPostgresUrl(), { max: 10 });
      await migrate(database);
      return database;
    })();
    opened.set(backend, db);
  }
  return db;
}

/** Closes the shared databases and drops the PostgreSQL databases this process created. */
export async function closeTestDatabases(): Promise<void> {
  for (const db of opened.values()) await (await db).close().catch(() => {});
  opened.clear();
  if (created.length === 0) return;
  const { default: postgres } = await import("postgres");
  const admin = postgres(POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    for (const name of created.splice(0)) await admin.unsafe(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}
