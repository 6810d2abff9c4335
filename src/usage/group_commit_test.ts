// The group-commit writer: shared transactions, and one bad record failing only its own call.
import { describe, expect, test } from "bun:test";
import type { UsageRecord } from "./record.ts";
import { createGroupCommitWriter } from "./group_commit.ts";

const record = (id: string) => ({ id }) as UsageRecord;

/** A commit like PGlite's: it runs on the caller's thread, blocking it for `ms`, before it resolves. */
function blockingCommit(sizes: number[], ms = 1) {
  return async (records: UsageRecord[]) => {
    const until = performance.now() + ms;
    while (performance.now() < until);
    sizes.push(records.length);
  };
}

describe("createGroupCommitWriter()", () => {
  test("records written together share a commit, and each write resolves once committed", async () => {
    const commits: string[][] = [];
    const writer = createGroupCommitWriter(async (records) => {
      await Bun.sleep(10);
      commits.push(records.map((r) => r.id));
    });
    await Promise.all(["a", "b", "c", "d"].map((id) => writer.write(record(id))));
    expect(commits).toEqual([["a", "b", "c", "d"]]);
  });

  test("writes arriving one event at a time share commits even when the commit blocks the thread", async () => {
    // Each write comes from its own I/O event (as each call's response does); with a commit that holds the
    // thread, no second record is queued while one is written unless the writer waits for the events first.
    const sizes: number[] = [];
    const writer = createGroupCommitWriter(blockingCommit(sizes));
    await Promise.all(Array.from({ length: 64 }, (_, i) => new Promise<void>((resolve, reject) => {
      setTimeout(() => writer.write(record(String(i))).then(resolve, reject), 0);
    })));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(64);
    expect(sizes.length).toBeLessThanOrEqual(4);
  });

  test("N concurrent callers writing in closed loops need far fewer commits than N records", async () => {
    const sizes: number[] = [];
    const writer = createGroupCommitWriter(blockingCommit(sizes));
    let id = 0;
    const client = async () => {
      for (let i = 0; i < 8; i++) {
        await new Promise((resolve) => setTimeout(resolve, 0)); // the call's own I/O before its record
        await writer.write(record(String(id++)));
      }
    };
    await Promise.all(Array.from({ length: 32 }, client));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(256);
    expect(sizes.length).toBeLessThan(256 / 8);
  });

  test("a record the database refuses fails only its own write", async () => {
    const errors: unknown[] = [];
    const stored: string[] = [];
    const writer = createGroupCommitWriter(async (records) => {
      await Bun.sleep(5);
      if (records.some((r) => r.id === "bad")) throw new Error("refused");
      stored.push(...records.map((r) => r.id));
    }, { onError: (e) => errors.push(e) });
    const first = writer.write(record("first"));
    const results = await Promise.allSettled([writer.write(record("ok1")), writer.write(record("bad")), writer.write(record("ok2"))]);
    await first;
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(stored.sort()).toEqual(["first", "ok1", "ok2"]);
    expect(errors).toHaveLength(1);
  });

  test("drain() waits for everything queued", async () => {
    let stored = 0;
    const writer = createGroupCommitWriter(async (records) => {
      await Bun.sleep(10);
      stored += records.length;
    });
    for (let i = 0; i < 5; i++) void writer.write(record(String(i)));
    await writer.drain();
    expect(stored).toBe(5);
  });

  test("pending() counts the records not yet committed and the oldest one's age", async () => {
    const release = Promise.withResolvers<void>();
    const writer = createGroupCommitWriter(() => release.promise);
    expect(writer.pending()).toEqual({ records: 0, oldestAgeSeconds: 0 });
    const writes = [writer.write(record("a")), writer.write(record("b"))];
    await Bun.sleep(20);
    const held = writer.pending();
    expect(held.records).toBe(2);
    expect(held.oldestAgeSeconds).toBeGreaterThanOrEqual(0.015);
    release.resolve();
    await Promise.all(writes);
    await writer.drain();
    expect(writer.pending()).toEqual({ records: 0, oldestAgeSeconds: 0 });
  });
});
