import { expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { segmentLines } from "./segment_lines.ts";

async function linesOf(text: string, chunkBytes: number): Promise<{ lines: string[]; steps: number }> {
  const dir = mkdtempSync(join(tmpdir(), "aihub-segment-"));
  try {
    const path = join(dir, "segment.jsonl");
    writeFileSync(path, text);
    const lines: string[] = [];
    let steps = 0;
    for await (const chunk of segmentLines(path, chunkBytes)) {
      lines.push(...chunk.map((line) => line.toString("utf8")));
      steps++;
    }
    return { lines, steps };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("segmentLines() gives every line whole, however the chunks cut them (multi-byte characters included)", async () => {
  const lines = ['{"id":"a","error":"上游超时"}', '{"id":"b","model":"café"}', "", '{"void":"a"}', '{"id":"c","error":"😀 emoji"}'];
  const text = `${lines.join("\n")}\n`;
  for (const chunkBytes of [1, 2, 3, 5, 7, 16, 64, 1024]) {
    expect((await linesOf(text, chunkBytes)).lines).toEqual(lines);
  }
});

test("segmentLines() gives a last line without its newline (a torn write) last, and nothing for an empty file", async () => {
  expect((await linesOf('{"id":"a"}\n{"id":"b","us', 4)).lines).toEqual(['{"id":"a"}', '{"id":"b","us']);
  expect((await linesOf('{"id":"a"}\n{"id":"b","us', 1024)).lines).toEqual(['{"id":"a"}', '{"id":"b","us']);
  expect((await linesOf("", 16)).lines).toEqual([]);
});

test("segmentLines() reads a large file in steps of about the chunk size, not at once", async () => {
  const line = JSON.stringify({ id: crypto.randomUUID(), endpoint: "/v1/chat/completions", model: "m" });
  const text = `${Array.from({ length: 10_000 }, () => line).join("\n")}\n`;
  const { lines, steps } = await linesOf(text, 64 * 1024);
  expect(lines.length).toBe(10_000);
  expect(lines.every((l) => l === line)).toBe(true);
  expect(steps).toBeGreaterThanOrEqual(Math.floor(text.length / (64 * 1024)));
});
