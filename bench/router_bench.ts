// What opening a call's upstream allocates: the router (deployment order, health, key pool) and the upstream
// client, through to the reply read, against the fake upstream. The gateway benchmark found the hub allocating
// ~20 KB per call where the floor allocates ~4 KB; allocation is counted here from JSC's own GC log
// (BUN_JSC_logGC=1), each checkout in a child process of its own, with a full collection before and after.
// BENCH_BASELINE=<another checkout> measures that checkout's router in the same rounds.
// Run: BENCH_ONLY=router npm run bench
import { resolve } from "node:path";
import { children, fmt, spawnServer, stopServer } from "./harness.ts";

const CALLS = Number(process.env.BENCH_CALLS ?? 40_000);
const CONCURRENCY = 32;
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const BASELINE = process.env.BENCH_BASELINE ? resolve(process.env.BENCH_BASELINE) : null;

/** Bytes the heap grew between collections, summed over the collections after `from` in a JSC GC log. */
function allocatedBytes(log: string, from: string): number {
  let total = 0;
  let lastEnd: number | null = null;
  for (const line of log.slice(log.indexOf(from)).split("\n")) {
    const start = /START M (\d+)kb/.exec(line);
    if (start && lastEnd !== null) total += Number(start[1]) - lastEnd;
    const end = /=> (\d+)kb, p=/.exec(line);
    if (end) lastEnd = Number(end[1]);
  }
  return total * 1024;
}

/** The child: opens CALLS calls through the router of the checkout at `root`, CONCURRENCY at a time. */
async function child(root: string, upstreamUrl: string) {
  const chat = await import(`${root}/src/chat/mod.ts`);
  const { loadUpstreams } = await import(`${root}/src/config_upstreams.ts`);
  // With a key, as every real upstream has (the fake upstream ignores it).
  const { upstreams, models, routing } = loadUpstreams({ UPSTREAM_BASE_URL: upstreamUrl, UPSTREAM_MODELS: "fake-model", UPSTREAM_API_KEY: "bench-key" });
  // As on PostgreSQL + Redis: health read through a local copy trusted for 250 ms (a memory store here).
  const health = chat.createHealthTracker(chat.createMemoryHealthStore(), { ...routing.cooldown, refreshMs: 250 });
  const router = chat.createRouter(() => upstreams, routing, { health, keys: chat.createKeyPool(), onAttempt: () => {} });
  const model = models[0];
  const body = { model: "fake-model", stream: false, messages: [{ role: "user", content: "benchmark" }] };
  const once = async () => {
    const route = await router.open(model, body, { signal: new AbortController().signal });
    if (!route.ok) throw new Error(`the fake upstream failed: ${JSON.stringify(route.failure)}`);
    await route.call.response.text();
    route.call.done();
  };
  const batch = async (n: number) => {
    for (let i = 0; i < n; i += CONCURRENCY) await Promise.all(Array.from({ length: CONCURRENCY }, once));
  };
  await batch(4_000);
  Bun.gc(true);
  console.error("MEASURE");
  const cpu = process.cpuUsage();
  await batch(CALLS);
  const used = process.cpuUsage(cpu);
  Bun.gc(true);
  console.log(JSON.stringify({ cpuUs: (used.user + used.system) / CALLS }));
}

async function main() {
  const upstream = await spawnServer(["src/testing/fake_upstream.ts", "0"]);
  try {
    const checkouts = [{ name: "this checkout", root: resolve(".") }, ...(BASELINE ? [{ name: "baseline", root: BASELINE }] : [])];
    const results = new Map<string, Array<{ kb: number; cpuUs: number }>>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const { name, root } of round % 2 ? [...checkouts].reverse() : checkouts) {
        const run = Bun.spawnSync([process.execPath, import.meta.path, "child", root, upstream.url], { env: { ...process.env, BUN_JSC_logGC: "1" } });
        if (run.exitCode !== 0) throw new Error(`${name}: ${run.stderr.toString().split("\n").filter((l) => !l.includes("[GC")).join("\n")}`);
        const { cpuUs } = JSON.parse(run.stdout.toString()) as { cpuUs: number };
        results.set(name, [...(results.get(name) ?? []), { kb: allocatedBytes(run.stderr.toString(), "MEASURE") / CALLS / 1024, cpuUs }]);
      }
    }
    console.log(`Router: ${CALLS.toLocaleString()} calls opened (${CONCURRENCY} at a time) against the fake upstream and their replies read, per call (CPU: the child process's, the fetch client's threads included); medians of ${ROUNDS} rounds`);
    const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1]!;
    const of = (name: string) => ({ kb: median(results.get(name)!.map((r) => r.kb)), cpuUs: median(results.get(name)!.map((r) => r.cpuUs)) });
    for (const { name } of checkouts) console.log(`  ${name.padEnd(14)} ${fmt(of(name).kb, 2).padStart(6)} KB allocated   ${fmt(of(name).cpuUs, 1).padStart(6)} µs CPU`);
    if (BASELINE) console.log(`  this checkout vs baseline: ${fmt(of("this checkout").kb / of("baseline").kb, 2)}× the allocation, ${fmt(of("this checkout").cpuUs / of("baseline").cpuUs, 2)}× the CPU`);
  } finally {
    await stopServer(upstream.proc);
    for (const c of children) c.kill();
  }
}

if (process.argv[2] === "child") await child(process.argv[3]!, process.argv[4]!);
else await main();
