// The SSE relay's own CPU per upstream chunk, the way real upstreams stream (one event per chunk, a token
// each): whole chunks of plain events passed on as they came, against the same events taken line by line
// (the baseline, measured in the same run); then the relay's stream served over HTTP to wrk, as a Bun direct
// stream against a standard pull stream (the baseline; bench/sse_server.ts). Run: BENCH_ONLY=relay npm run bench
import { relaySse } from "../src/chat/relay.ts";
import { children, spawnServer, stopServer } from "./harness.ts";
import { treeCpuSeconds } from "./proc.ts";
import { runWrk } from "./wrk.ts";

const TOKENS = Number(process.env.BENCH_TOKENS ?? 500);
const REPLIES = Number(process.env.BENCH_REPLIES ?? 200);
const encoder = new TextEncoder();
const event = (content: string) => encoder.encode(`data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created: 1, model: "bench", choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`);
const usage = encoder.encode(`data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created: 1, model: "bench", choices: [], usage: { prompt_tokens: 9, completion_tokens: TOKENS } })}\n\n`);
const chunks = [...Array.from({ length: TOKENS }, (_, i) => event(` token${i}`)), usage, encoder.encode("data: [DONE]\n\n")];

/** Relays one reply chunk by chunk (each pulled when the client asks, as from a socket) and reads it all. */
async function relayOnce(passesPlainEvents: boolean): Promise<number> {
  let i = 0;
  const upstream = new ReadableStream<Uint8Array>({ pull: (c) => (i < chunks.length ? c.enqueue(chunks[i++]!) : c.close()) }, { highWaterMark: 0 });
  let chars = 0;
  const out = relaySse(upstream, {
    mustParse: () => false,
    passesPlainEvents: () => passesPlainEvents,
    onChunk() {},
    onEvent: (payload) => `data: ${payload}\n\n`,
    onComment: (line) => `${line}\n\n`,
    onEnd: async (_end, observation) => ((chars = observation.completionChars), ""),
    onCancel: async () => {},
  });
  const reader = out.getReader();
  while (!(await reader.read()).done);
  return chars;
}

/** CPU µs per chunk over REPLIES replies. */
async function measure(passesPlainEvents: boolean): Promise<number> {
  const start = process.cpuUsage();
  for (let r = 0; r < REPLIES; r++) await relayOnce(passesPlainEvents);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / (REPLIES * chunks.length);
}

console.log(`SSE relay: ${REPLIES} replies of ${TOKENS} one-token chunks, CPU per chunk (the stream machinery included), best of 3 after a warm-up`);
if ((await relayOnce(true)) !== (await relayOnce(false))) throw new Error("the two paths counted different content");
await measure(false);
await measure(true);
const best = async (pass: boolean) => Math.min(await measure(pass), await measure(pass), await measure(pass));
const lineByLine = await best(false);
const passed = await best(true);
console.log(`  line by line (baseline)   ${lineByLine.toFixed(2)} µs`);
console.log(`  whole chunks passed on    ${passed.toFixed(2)} µs   (${(passed / lineByLine).toFixed(2)}× the baseline; ${((lineByLine - passed) * TOKENS / 1000).toFixed(2)} ms less CPU per ${TOKENS}-token reply)`);

// Over HTTP: the server's CPU per chunk of the reply it streams (wrk reads the replies whole), the two streams
// taking turns over three rounds of 5 s points after a 1 s warm-up.
const ROUNDS = 3;
const cpuPerChunk: Record<"standard" | "direct", number[]> = { standard: [], direct: [] };
const rates: Record<"standard" | "direct", number[]> = { standard: [], direct: [] };
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of ["standard", "direct"] as const) {
      const server = await spawnServer(["bench/sse_server.ts", kind], { BENCH_TOKENS: String(TOKENS) });
      await runWrk(server.url, { body: "", connections: 16, seconds: 1 });
      const before = treeCpuSeconds(server.proc.pid);
      const r = await runWrk(server.url, { body: "", connections: 16, seconds: 5 });
      cpuPerChunk[kind].push(((treeCpuSeconds(server.proc.pid) - before) * 1e6) / (r.requests * TOKENS));
      rates[kind].push(r.rps);
      await stopServer(server.proc);
    }
  }
} finally {
  for (const child of children) child.kill();
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const [standard, direct] = [median(cpuPerChunk.standard), median(cpuPerChunk.direct)];
console.log(`\nServed over HTTP (a child Bun.serve, wrk with 16 connections, ${TOKENS}-chunk replies), server CPU per chunk, medians of ${ROUNDS} interleaved rounds`);
console.log(`  standard pull stream (baseline)  ${standard.toFixed(2)} µs   ${median(rates.standard).toFixed(0)} replies/s`);
console.log(`  Bun direct stream (the relay's)  ${direct.toFixed(2)} µs   ${median(rates.direct).toFixed(0)} replies/s   (${(direct / standard).toFixed(2)}× the baseline's CPU, ${(median(rates.direct) / median(rates.standard)).toFixed(2)}× its replies/s)`);
