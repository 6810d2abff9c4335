// The PostgreSQL driver survives a connection whose server process was ended (scripts/patch_dependencies.mjs
// patches postgres.js: unpatched, 3.4.9 throws from a timer on such a connection, which ends the process).
// Transactions hold a connection as `reserve()` does here. Runs against the real PostgreSQL at 127.0.0.1:5432.
import { afterAll, describe, expect, test } from "bun:test";
import postgres from "postgres";
import { POSTGRES_ADMIN_URL } from "../testing/databases.ts";

const pool = postgres(POSTGRES_ADMIN_URL, { max: 2, onnotice: () => {} });
const admin = postgres(POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });

afterAll(async () => {
  await Promise.all([pool.end({ timeout: 1 }), admin.end({ timeout: 1 })]);
});

/** How a query ended within `ms`: "ok", its error's code, or "hung". */
const outcome = (query: Promise<unknown>, ms = 3_000) =>
  Promise.race([query.then(() => "ok", (error: { code?: string }) => error.code ?? "error"), Bun.sleep(ms).then(() => "hung")]);

describe("the PostgreSQL driver", () => {
  test("a held connection whose server process is ended: the process lives on, and the pool answers again", async () => {
    // The crash depends on timing, so the reset is made ten times (unpatched, about one time in three ended the process).
    for (let round = 0; round < 10; round++) {
      const held = await pool.reserve();
      const [row] = await held`select pg_backend_pid() as pid`;
      await admin`select pg_terminate_backend(${row!.pid})`;
      // Its next queries fail (or, sent just as the reset arrives, may wait: each gets 3 s and is not judged).
      for (let i = 0; i < 3; i++) await outcome(held`select 1`);
      held.release();
      // The pool connects the ended connection again: within a few tries, queries answer.
      let answered = false;
      for (let i = 0; i < 20 && !answered; i++) answered = (await outcome(pool`select 1`)) === "ok" || (await Bun.sleep(100), false);
      expect(answered).toBe(true);
    }
  }, 180_000);
});
