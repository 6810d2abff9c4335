// Preloaded by bun test: drops the PostgreSQL databases the run created, once every file has finished.
import { afterAll } from "bun:test";
import { closeTestDatabases } from "./databases.ts";

afterAll(async () => {
  await closeTestDatabases();
});
