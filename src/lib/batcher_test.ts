// createBatcher() groups calls made while a batch is in flight, keeping each call's own result.
import { describe, expect, test } from "bun:test";
import { createBatcher, nextTurn } from "./batcher.ts";

describe("createBatcher()", () => {
  test("a lone call runs at once; calls made meanwhile share the next batch, results in order", async () => {
    const batches: number[][] = [];
    const double = createBatcher(async (items: number[]) => {
      batches.push(items);
      await Bun.sleep(20);
      return items.map((n) => n * 2);
    });
    const first = double(1);
    const rest = [2, 3, 4].map((n) => double(n));
    expect(await first).toBe(2);
    expect(await Promise.all(rest)).toEqual([4, 6, 8]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  test("a failed batch rejects its own calls only", async () => {
    let calls = 0;
    const run = createBatcher(async (items: string[]) => {
      calls++;
      await Bun.sleep(5);
      if (items.includes("bad")) throw new Error("boom");
      return items.map((s) => s.toUpperCase());
    });
    const a = run("bad");
    const b = run("ok");
    await expect(a).rejects.toThrow("boom");
    expect(await b).toBe("OK");
    expect(calls).toBe(2);
  });

  test("batches never exceed maxBatch", async () => {
    const sizes: number[] = [];
    const run = createBatcher(async (items: number[]) => {
      sizes.push(items.length);
      await Bun.sleep(1);
      return items;
    }, 3);
    await Promise.all(Array.from({ length: 10 }, (_, i) => run(i)));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10);
  });
});

describe("createBatcher({ gather })", () => {
  test("items queued by events pending when the batch starts go in that batch", async () => {
    const batches: number[][] = [];
    const run = createBatcher(async (items: number[]) => {
      batches.push(items);
      return items;
    }, 256, { gather: nextTurn });
    await Promise.all([0, 1, 2].map((n) => new Promise((resolve) => setTimeout(() => resolve(run(n)), 0))));
    expect(batches).toEqual([[0, 1, 2]]);
  });
});
