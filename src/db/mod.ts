// The database feature: client, migrations and schema.
export { openPglite, openPostgres } from "./client.ts";
export type { Database, Db } from "./client.ts";
export { migrate } from "./migrate.ts";
export * as schema from "./schema/mod.ts";
