// The metrics' hot-path cost: ns per call of what the request path does (HubMetrics' cells), beside a no-op
// object of the same shape and prom-client's own label children, all in one run. Usage: bun bench/metrics_bench.ts
import { Elysia } from "elysia";
import { Counter, Histogram, Registry } from "prom-client";
import { httpPlugin } from "../src/http/mod.ts";
import { createLogger } from "../src/log.ts";
import { createHubMetrics, type HubMetrics, LATENCY_BUCKETS, requestMetrics } from "../src/metrics/mod.ts";

const N = Number(process.env.METRICS_BENCH_N ?? 2_000_000);
const ROUNDS = 5;

/** The best of `ROUNDS` timed loops of N calls (after a warm-up), in ns per call. */
function bench(run: (i: number) => void): number {
  for (let i = 0; i < 200_000; i++) run(i);
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const started = Bun.nanoseconds();
    for (let i = 0; i < N; i++) run(i);
    best = Math.min(best, (Bun.nanoseconds() - started) / N);
  }
  return best;
}

const noop: Omit<HubMetrics, "registry" | "samplePending"> = {
  httpRequest() {},
  limitDecision() {},
  upstreamAttempt() {},
  streamOpened() {},
  streamClosed() {},
};
const metrics = createHubMetrics({ upstreams: ["openai", "backup"] });
const window = { rateLimit: 60, rateRemaining: 12 };
// What one chat call records: its request, its admission and one upstream try.
const perCall = (m: typeof noop) => (i: number) => {
  m.limitDecision("admitted", window);
  m.upstreamAttempt("openai", "ok", (i & 1023) / 10_000);
  m.httpRequest("/v1/chat/completions", "POST", 200, (i & 1023) / 10_000);
};

const registry = new Registry();
const promCounter = new Counter({ name: "bench_requests_total", help: "x", labelNames: ["route", "method", "status"], registers: [registry] }).labels("/v1/chat/completions", "POST", "200");
const promHistogram = new Histogram({ name: "bench_seconds", help: "x", labelNames: ["route"], buckets: [...LATENCY_BUCKETS], registers: [registry] }).labels("/v1/chat/completions");

const rows: Array<[string, number]> = [
  ["no-op baseline: one method call", bench((i) => noop.httpRequest("/v1/chat/completions", "POST", 200, i))],
  ["httpRequest (counter + duration histogram)", bench((i) => metrics.httpRequest("/v1/chat/completions", "POST", 200, (i & 1023) / 10_000))],
  ["limitDecision admitted (counter + window peak)", bench(() => metrics.limitDecision("admitted", window))],
  ["upstreamAttempt ok (counter + TTFB histogram)", bench((i) => metrics.upstreamAttempt("openai", "ok", (i & 1023) / 10_000))],
  ["no-op baseline: a chat call's three calls", bench(perCall(noop))],
  ["HubMetrics: a chat call's three calls", bench(perCall(metrics))],
  ["prom-client child counter.inc()", bench(() => promCounter.inc())],
  ["prom-client child histogram.observe()", bench((i) => promHistogram.observe((i & 1023) / 10_000))],
];
console.log(`metrics hot path, ns per call (best of ${ROUNDS} × ${N.toLocaleString("en")} calls, Bun ${Bun.version})`);
for (const [name, ns] of rows) console.log(`  ${name.padEnd(48)} ${ns.toFixed(1).padStart(7)} ns`);
const added = rows[5]![1] - rows[4]![1];
console.log(`  added per chat call by metrics: ${added.toFixed(1)} ns (prom-client's own children would add about ${(2 * rows[6]![1] + 2 * rows[7]![1] - rows[4]![1]).toFixed(0)} ns)`);
const scrapeStarted = performance.now();
const text = await metrics.registry.metrics();
console.log(`  one scrape: ${(performance.now() - scrapeStarted).toFixed(2)} ms, ${text.length} bytes`);

// The request plugin's whole cost, Elysia's hooks included: app.handle of a trivial route with and without it.
const log = createLogger("info", () => {});
const plain = new Elysia({ normalize: false }).use(httpPlugin(log)).get("/x/:id", () => "ok");
const measured = new Elysia({ normalize: false }).use(httpPlugin(log)).use(requestMetrics(createHubMetrics({ upstreams: [] }))).get("/x/:id", () => "ok");
async function handleNs(app: typeof plain, n: number): Promise<number> {
  const request = () => new Request("http://localhost/x/1");
  for (let i = 0; i < 20_000; i++) await (await app.handle(request())).text();
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const started = Bun.nanoseconds();
    for (let i = 0; i < n; i++) await (await app.handle(request())).text();
    best = Math.min(best, (Bun.nanoseconds() - started) / n);
  }
  return best;
}
const handled = Math.max(20_000, Math.floor(N / 20));
const [without, withPlugin] = [await handleNs(plain, handled), await handleNs(measured, handled)];
console.log(`  app.handle of a trivial route: ${(without / 1000).toFixed(2)} µs without the request plugin, ${(withPlugin / 1000).toFixed(2)} µs with it (+${(withPlugin - without).toFixed(0)} ns)`);
