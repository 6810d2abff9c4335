// A child server for relay_bench.ts: each request gets a 500-chunk SSE reply (one token per chunk) pulled through
// the relay's stream, `direct` (src/chat/pull_stream.ts, a Bun direct stream) or `standard` (the baseline: the
// same pull loop on a standard ReadableStream with highWaterMark 0, as the relay had it before). Prints its URL.
import { type PullHooks, pullStream } from "../src/chat/pull_stream.ts";

const TOKENS = Number(process.env.BENCH_TOKENS ?? 500);
const encoder = new TextEncoder();
const chunks = Array.from({ length: TOKENS }, (_, i) => encoder.encode(`data: {"choices":[{"index":0,"delta":{"content":" token${i}"}}]}\n\n`));

/** The baseline: a standard ReadableStream pulling `upstream` one chunk per read. */
function standardPullStream(upstream: ReadableStream<Uint8Array>, hooks: PullHooks): ReadableStream<Uint8Array> {
  const reader = upstream.getReader();
  const decoder = new TextDecoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          const tail = await hooks.finish(null);
          if (tail) controller.enqueue(encoder.encode(tail));
          return controller.close();
        }
        const out = hooks.take(decoder.decode(value, { stream: true }), value);
        if (typeof out !== "string") return controller.enqueue(out);
        if (out) return controller.enqueue(encoder.encode(out));
      }
    },
  }, { highWaterMark: 0 });
}

const relay = process.argv[2] === "standard" ? standardPullStream : pullStream;
const hooks: PullHooks = { onChunk() {}, take: (_text, raw) => raw, finish: async () => "data: [DONE]\n\n", cancel: async () => {} };
const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  idleTimeout: 0,
  fetch() {
    let i = 0;
    // An upstream that yields to the event loop every 50 chunks, as a socket's reads would.
    const upstream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (i % 50 === 49) await Bun.sleep(0);
        if (i < chunks.length) controller.enqueue(chunks[i++]!);
        else controller.close();
      },
    }, { highWaterMark: 0 });
    return new Response(relay(upstream, hooks), { headers: { "content-type": "text/event-stream" } });
  },
});
console.log(`http://127.0.0.1:${server.port}/`);
