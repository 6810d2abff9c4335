// The database feature: client, migrations, schema, and what counts as the database being unavailable.
export { openPglite, openPostgres, rowsOf } from "./client.ts";
export type { Database, Db } from "./client.ts";
export { isDatabaseUnavailable } from "./errors.ts";
export { migrate } from "./migrate.ts";
export * as schema from "./schema/mod.ts";
