// The SSE relay's own CPU per upstream chunk, the way real upstreams stream (one event per chunk, a token
// each): whole chunks of plain events passed on as they came, against the same events taken line by line
// (the baseline, measured in the same run); then the relay's stream served over HTTP to wrk, as a Bun direct
// stream against a standard pull stream (the baseline; bench/sse_server.ts). Run: BENCH_ONLY=relay npm run bench
import { relaySse } from "../src/chat/relay.ts";
import { children, measure as measurePoint, medianPoint, type Point, spawnServer, stopServer } from "./harness.ts";

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
// taking turns over three rounds of 5 s points after a 1 s warm-up (harness.ts measures each point).
const ROUNDS = 3;
const points: Record<"standard" | "direct", Point[]> = { standard: [], direct: [] };
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of ["standard", "direct"] as const) {
      const server = await spawnServer(["bench/sse_server.ts", kind], { BENCH_TOKENS: String(TOKENS) });
      points[kind].push(await measurePoint({ name: kind, url: server.url, pid: server.proc.pid, headers: {} }, "", 16, 5));
      await stopServer(server.proc);
    }
  }
} finally {
  for (const child of children) child.kill();
}
const [standard, direct] = [medianPoint(points.standard), medianPoint(points.direct)];
const perChunk = (p: Point) => p.cpuUs / TOKENS;
console.log(`\nServed over HTTP (a child Bun.serve, wrk with 16 connections, ${TOKENS}-chunk replies), server CPU per chunk, medians of ${ROUNDS} interleaved rounds`);
console.log(`  standard pull stream (baseline)  ${perChunk(standard).toFixed(2)} µs   ${standard.rps.toFixed(0)} replies/s`);
console.log(`  Bun direct stream (the relay's)  ${perChunk(direct).toFixed(2)} µs   ${direct.rps.toFixed(0)} replies/s   (${(perChunk(direct) / perChunk(standard)).toFixed(2)}× the baseline's CPU, ${(direct.rps / standard.rps).toFixed(2)}× its replies/s)`);
