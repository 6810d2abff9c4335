// contentLength() counts a delta's characters without parsing the event; relaySse() passes events on whatever the chunking.
import { describe, expect, test } from "bun:test";
import { contentLength, relaySse } from "./relay.ts";

describe("contentLength()", () => {
  test("matches the parsed content's length, escapes included", () => {
    for (const content of ["Hello", "", "a \"quoted\" word", "line\nbreak", "中文", "back\\slash"]) {
      const payload = JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: null }] });
      expect(contentLength(payload)).toBe(content.length);
    }
  });
  test("is 0 for events without content", () => {
    expect(contentLength(JSON.stringify({ choices: [{ delta: { role: "assistant" } }] }))).toBe(0);
  });
});

/** The events an SSE client reads from `text` (each event's data lines joined; comments skipped). */
function sseEvents(text: string): string[] {
  const events: string[] = [];
  let data: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === "") {
      if (data.length) events.push(data.join("\n"));
      data = [];
    } else if (line.startsWith("data:")) {
      data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
    }
  }
  return events;
}

/** Relays `chunks` (split anywhere) with hooks that pass events through; returns the output and the observation. */
async function relayOf(chunks: string[], passesPlainEvents = false) {
  const encoder = new TextEncoder();
  const upstream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  let seen: { end: string; usage: unknown; chars: number } | null = null;
  const out = relaySse(upstream, {
    mustParse: () => false,
    passesPlainEvents: () => passesPlainEvents,
    onChunk() {},
    onEvent: (payload) => `data: ${payload}\n\n`,
    onComment: (line) => `${line}\n\n`,
    async onEnd(end, observation) {
      seen = { end, usage: observation.usage, chars: observation.completionChars };
      return "data: [DONE]\n\n";
    },
    async onCancel() {},
  });
  return { text: await new Response(out).text(), seen: seen as unknown as { end: string; usage: unknown; chars: number } };
}

describe("relaySse()", () => {
  const delta = (content: string) => JSON.stringify({ choices: [{ index: 0, delta: { content } }] });
  const usage = JSON.stringify({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 2 } });
  const events = `data: ${delta("Hel")}\n\ndata:${delta("lo")}\r\n\r\n: keep-alive\n\ndata: ${usage}\n\ndata: [DONE]\n\n`;
  const expected = `data: ${delta("Hel")}\n\ndata: ${delta("lo")}\n\n: keep-alive\n\ndata: ${usage}\n\ndata: [DONE]\n\n`;

  test("passes each event on, CRLF lines and comments included, and observes usage and content", async () => {
    const { text, seen } = await relayOf([events]);
    expect(text).toBe(expected);
    expect(seen).toEqual({ end: "done", usage: { prompt_tokens: 3, completion_tokens: 2 }, chars: 5 });
  });

  test("gives the same output whatever the chunk boundaries, CR and LF split apart included", async () => {
    for (const size of [1, 2, 3, 7, 16, 64]) {
      const chunks: string[] = [];
      for (let i = 0; i < events.length; i += size) chunks.push(events.slice(i, i + size));
      const { text, seen } = await relayOf(chunks);
      expect(text).toBe(expected);
      expect(seen.chars).toBe(5);
    }
  });

  test("an upstream that stops before [DONE] ends as truncated, its last unterminated line still read", async () => {
    const { text, seen } = await relayOf([`data: ${delta("Hi")}\n\ndata: ${usage}`]);
    expect(text).toBe(`data: ${delta("Hi")}\n\ndata: ${usage}\n\ndata: [DONE]\n\n`);
    expect(seen).toEqual({ end: "truncated", usage: { prompt_tokens: 3, completion_tokens: 2 }, chars: 2 });
  });

  test("passing plain events on, a chunk of whole plain lines goes out byte for byte; the rest line by line", async () => {
    const plain = `data:${delta("Hel")}\n\n: OPENROUTER PROCESSING\n\ndata: ${delta("lo")}\n\n`;
    const { text, seen } = await relayOf([plain, `data: ${usage}\n\ndata: [DONE]\n\n`], true);
    expect(text).toBe(`${plain}data: ${usage}\n\ndata: [DONE]\n\n`);
    expect(seen).toEqual({ end: "done", usage: { prompt_tokens: 3, completion_tokens: 2 }, chars: 5 });
  });

  test("passing plain events on, a chunk with another kind of line or a split line still goes line by line", async () => {
    const split = delta("l");
    const { text, seen } = await relayOf([`event: delta\ndata: ${delta("Hel")}\n\ndata: ${split.slice(0, 10)}`, `${split.slice(10)}\n\ndata: [DONE]\n\n`], true);
    // The event line is dropped and the split event arrives whole, as without passing on.
    expect(text).toBe(`data: ${delta("Hel")}\n\ndata: ${delta("l")}\n\ndata: [DONE]\n\n`);
    expect(seen.chars).toBe(4);
  });

  test("passing plain events on, the plain events at a chunk's head go out as they came and the usage after them line by line", async () => {
    const plain = `data:${delta("Hel")}\n\n: OPENROUTER PROCESSING\n\ndata: ${delta("lo")}\n\n`;
    const { text, seen } = await relayOf([`${plain}data: ${usage}\n\ndata: [DONE]\n\n`], true);
    expect(text).toBe(`${plain}data: ${usage}\n\ndata: [DONE]\n\n`);
    expect(seen).toEqual({ end: "done", usage: { prompt_tokens: 3, completion_tokens: 2 }, chars: 5 });
  });

  test("passing plain events on, a client reads the same events whatever the chunk boundaries (an event is never cut in two)", async () => {
    const stream = `data:${delta("Hel")}\n\n: keep-alive\n\ndata: ${delta("lo")}\n\ndata: ${delta(" wörld")}\n\ndata: ${usage}\n\ndata: [DONE]\n\n`;
    const expectedEvents = [delta("Hel"), delta("lo"), delta(" wörld"), usage, "[DONE]"];
    for (let size = 1; size <= stream.length; size++) {
      const chunks: string[] = [];
      for (let i = 0; i < stream.length; i += size) chunks.push(stream.slice(i, i + size));
      const { text, seen } = await relayOf(chunks, true);
      expect(sseEvents(text)).toEqual(expectedEvents);
      expect(seen).toEqual({ end: "done", usage: { prompt_tokens: 3, completion_tokens: 2 }, chars: 11 });
    }
  });
});
