// The group-commit writer: shared transactions, and one bad record failing only its own call.
import { describe, expect, test } from "bun:test";
import type { UsageRecord } from "./record.ts";
import { createGroupCommitWriter } from "./group_commit.ts";

const record = (id: string) => ({ id }) as UsageRecord;

describe("createGroupCommitWriter()", () => {
  test("records written together share a commit, and each write resolves once committed", async () => {
    const commits: string[][] = [];
    const writer = createGroupCommitWriter(async (records) => {
      await Bun.sleep(10);
      commits.push(records.map((r) => r.id));
    });
    await Promise.all(["a", "b", "c", "d"].map((id) => writer.write(record(id))));
    expect(commits).toEqual([["a"], ["b", "c", "d"]]);
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
});
