// The request log query: keyset pages that neither skip nor repeat (microsecond timestamps included), filters, ownership.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { createKey, createTestHub, registerUser, type TestHub } from "../testing/harness.ts";
import { type LogCursor, requestLog, requestLogEntry } from "./logs.ts";

let hub: TestHub;
let userId: number;
let keyId: number;
const ids: string[] = [];

beforeAll(async () => {
  hub = await createTestHub({ backend: "pglite" });
  const account = await registerUser(hub);
  userId = account.user.id;
  keyId = (await createKey(hub, account.token, { name: "log key" })).id;
  // Timestamps a microsecond apart, and pairs sharing one: a millisecond cursor would skip rows, an id-less one repeat them.
  for (let i = 0; i < 9; i++) {
    const id = `rec-${i}`;
    ids.push(id);
    const micros = Math.floor(i / 2);
    await hub.runtime.deps.database.db.execute(sql`insert into usage_records (id, user_id, api_key_id, endpoint, model, status, outcome, created_at)
      values (${id}, ${userId}, ${keyId}, '/v1/chat/completions', ${i % 3 === 0 ? "m-three" : "m-other"}, ${i === 4 ? 503 : 200}, 'ok',
      '2026-03-01T10:00:00.123000Z'::timestamptz + make_interval(secs => ${micros} / 1000000.0))`);
  }
}, 60_000);
afterAll(() => hub.close());

describe("requestLog()", () => {
  test("pages of two walk every row once, newest first, by (created_at, id)", async () => {
    const db = hub.runtime.deps.database.db;
    const seen: string[] = [];
    let before: LogCursor | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await requestLog(db, userId, { limit: 2, before });
      seen.push(...page.rows.map((r) => r.id));
      if (!page.next) break;
      before = page.next;
    }
    expect(seen).toEqual(["rec-8", "rec-7", "rec-6", "rec-5", "rec-4", "rec-3", "rec-2", "rec-1", "rec-0"]);
  });

  test("filters narrow by model and status class; another user sees nothing", async () => {
    const db = hub.runtime.deps.database.db;
    expect((await requestLog(db, userId, { filters: { model: "m-three" } })).rows.map((r) => r.id)).toEqual(["rec-6", "rec-3", "rec-0"]);
    expect((await requestLog(db, userId, { filters: { status: "5xx" } })).rows.map((r) => r.id)).toEqual(["rec-4"]);
    expect((await requestLog(db, userId, { filters: { keyId: keyId + 1000 } })).rows).toEqual([]);
    expect((await requestLog(db, userId + 1000)).rows).toEqual([]);
    expect(await requestLogEntry(db, userId + 1000, "rec-1")).toBeNull();
    expect((await requestLogEntry(db, userId, "rec-1"))?.keyName).toBe("log key");
  });

  test("an id no call can have (a NUL, a quote) is no call, not a database error", async () => {
    const db = hub.runtime.deps.database.db;
    for (const id of ["\u0000", "rec-1\u0000", "x'y", "a".repeat(65)]) expect(await requestLogEntry(db, userId, id)).toBeNull();
  });
});
