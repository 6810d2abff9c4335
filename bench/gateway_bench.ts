// Benchmarks the hub's full path (key check, atomic limit + quota, proxy, durable usage record) against a bare Bun
// proxy and the upstream itself, on PostgreSQL + Redis and on the embedded default (PGlite, no Redis), and prints
// requests/s, p50/p99, the hub's CPU per call and the machine's busy CPU, with ratios to the bare proxy of this run.
// Run: npm run bench   (needs PostgreSQL at 127.0.0.1:5432 and Redis at 127.0.0.1:6379; wrk if installed)
// BENCH_SECTIONS=pg,floor,embedded,workers,slow picks sections ("floor": bench/floor_proxy.ts, the least a metered call costs); BENCH_SECONDS, BENCH_CONNECTIONS as before.
// BENCH_ROUNDS=N measures the targets of each line N times, interleaved (take an even N: the order reverses
// every other round), and prints each figure's median
// (one point of 5 s varies by ±10 % on a busy two-core machine; the ratios then compare like with like).
// BENCH_BASELINE=<another checkout> adds that checkout's hub to the PostgreSQL + Redis and embedded lines
// (its own database, Redis prefix and data directory), measured in the same rounds: before/after of a change.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { benchUser, bodyOf, children, createKey, fmt, freePort, HEADER, measure as measurePoint, medianPoint, type Point, row, scratchDatabase, spawnServer, stopServer, type Target } from "./harness.ts";
import type { LoadResult } from "./load.ts";
import { treeRssMb } from "./proc.ts";
import { runWrk, WRK } from "./wrk.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? "1,16,64").split(",").map(Number);
const SECTIONS = new Set((process.env.BENCH_SECTIONS ?? "pg,floor,embedded,workers,slow").split(","));
const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
// Extra bun flags for the hub, e.g. BENCH_HUB_FLAGS="--cpu-prof-md --cpu-prof-dir=/tmp/prof" to profile it.
const HUB_FLAGS = (process.env.BENCH_HUB_FLAGS ?? "").split(" ").filter(Boolean);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
const BASELINE = process.env.BENCH_BASELINE ? resolve(process.env.BENCH_BASELINE) : null;

/**
 * Each target's median point over ROUNDS rounds, the targets taking turns within each round, in reverse order
 * every other round: a target measured right after another reads a few per cent differently (the same commit
 * as its own baseline read 0.94–0.95× in fixed order), so an even ROUNDS gives every target each place equally.
 */
async function measureAll(targets: Target[], body: string, connections: number): Promise<Point[]> {
  const points: Point[][] = targets.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    const order = [...targets.entries()];
    if (round % 2 === 1) order.reverse();
    for (const [i, target] of order) points[i]!.push(await measurePoint(target, body, connections, SECONDS));
  }
  return points.map(medianPoint);
}

async function main() {
  const database = await scratchDatabase("aihub_bench");
  const baselineDatabase = BASELINE ? await scratchDatabase("aihub_bench_baseline") : null;
  const dataDir = mkdtempSync(join(tmpdir(), "aihub-bench-embedded-"));
  const baselineDataDir = mkdtempSync(join(tmpdir(), "aihub-bench-baseline-"));
  try {
    const upstream = await spawnServer(["src/testing/fake_upstream.ts", "0"]);
    const proxy = await spawnServer(["bench/bare_proxy.ts", upstream.url]);
    const common = { JWT_SECRET: "bench-secret-bench-secret-bench-secret-42", UPSTREAM_BASE_URL: upstream.url, UPSTREAM_MODELS: "fake-model", LOG_LEVEL: "info", HOST: "127.0.0.1", PASSWORD_MEMORY_COST: "1024", PASSWORD_TIME_COST: "1" };
    const pgEnv = { ...common, DATABASE_URL: database.url, REDIS_URL, REDIS_PREFIX: `aihub-bench-${Date.now().toString(36)}` };
    const direct: Target = { name: "upstream direct", url: `${upstream.url}/chat/completions`, pid: upstream.proc.pid, headers: {} };
    const bare: Target = { name: "bare Bun proxy", url: `${proxy.url}/v1/chat/completions`, pid: proxy.proc.pid, headers: {} };
    const results = new Map<string, Point>();
    const at = (stream: boolean, c: number, name: string) => results.get(`${stream}-${c}-${name}`);

    console.log(`AI Hub gateway benchmark: ${SECONDS}s per point${ROUNDS > 1 ? `, medians of ${ROUNDS} interleaved rounds` : ""}, fake upstream, bare proxy and hub on this machine (${navigator.hardwareConcurrency} cores), load by ${WRK ? "wrk (external)" : "in-process fetch loops (install wrk for an external generator)"}`);
    console.log("µs/req: CPU time of the target's processes ÷ requests; busy: all cores' busy share during the point (load generator, PostgreSQL and Redis included)\n");

    // A hub of this checkout, or of BENCH_BASELINE (started in its directory, with its own database or data directory).
    const startHub = (env: Record<string, string>, dir: string | undefined) => spawnServer([...HUB_FLAGS, "src/main.ts"], env, "/ready", dir);
    const targetOf = async (name: string, hub: { url: string; proc: { pid: number } }, token: string): Promise<Target> =>
      ({ name, url: `${hub.url}/v1/chat/completions`, pid: hub.proc.pid, headers: { authorization: `Bearer ${await createKey(hub.url, token)}` } });
    const pgHubOf = async (name: string, dir: string | undefined, env: Record<string, string>): Promise<Target> => {
      const hub = await startHub({ ...env, PORT: String(freePort()) }, dir);
      return await targetOf(name, hub, await benchUser(hub.url, env, undefined, dir));
    };
    const embeddedHubOf = async (name: string, dir: string | undefined, directory: string): Promise<Target> => {
      const env = { ...common, DATA_DIR: directory, PORT: String(freePort()) };
      let hub = await startHub(env, dir);
      // The embedded database has one owner: stop the hub for the operator command, then start it again.
      const token = await benchUser(hub.url, env, () => stopServer(hub.proc), dir);
      hub = await startHub(env, dir);
      return await targetOf(name, hub, token);
    };

    let pgHub: Target | null = null;
    if (SECTIONS.has("pg") || SECTIONS.has("floor") || SECTIONS.has("workers") || SECTIONS.has("slow")) pgHub = await pgHubOf("hub (PG + Redis)", undefined, pgEnv);
    const sections: Array<{ title: string; hubs: () => Promise<Target[]> }> = [];
    if (SECTIONS.has("pg")) {
      sections.push({
        title: "PostgreSQL + Redis",
        hubs: async () => [pgHub!, ...(BASELINE ? [await pgHubOf("baseline (PG + Redis)", BASELINE, { ...pgEnv, DATABASE_URL: baselineDatabase!.url, REDIS_PREFIX: `${pgEnv.REDIS_PREFIX}-baseline` })] : [])],
      });
    }
    if (SECTIONS.has("embedded")) {
      sections.push({
        title: "embedded default (PGlite, no Redis)",
        hubs: async () => [await embeddedHubOf("hub (embedded)", undefined, dataDir), ...(BASELINE ? [await embeddedHubOf("baseline (embedded)", BASELINE, baselineDataDir)] : [])],
      });
    }
    if (BASELINE) console.log(`baseline: the hub of ${BASELINE}\n`);
    for (const section of sections) {
      const hubs = await section.hubs();
      console.log(`— ${section.title}\n${HEADER}`);
      for (const stream of [false, true]) {
        const body = bodyOf(stream);
        for (const connections of CONNECTIONS) {
          const targets = [direct, bare, ...hubs];
          for (const [i, r] of (await measureAll(targets, body, connections)).entries()) {
            results.set(`${stream}-${connections}-${targets[i]!.name}`, r);
            row(stream ? "stream" : "non-stream", connections, targets[i]!.name, r);
          }
          const p = at(stream, connections, bare.name)!, d = at(stream, connections, direct.name)!;
          for (const [i, hub] of hubs.entries()) {
            const h = at(stream, connections, hub.name)!;
            console.log(`           → ${i === 0 ? "hub" : "baseline"}/proxy req/s ${fmt(h.rps / p.rps, 2)}, p99 ${fmt(h.p99 / p.p99, 2)}×, p50 over direct +${fmt(h.p50 - d.p50, 2)} ms, ${i === 0 ? "hub" : "baseline"} ${fmt(h.cpuUs)} µs CPU/call`);
          }
          if (hubs.length > 1) {
            const h = at(stream, connections, hubs[0]!.name)!, b = at(stream, connections, hubs[1]!.name)!;
            console.log(`           → hub/baseline req/s ${fmt(h.rps / b.rps, 2)}, CPU per call ${fmt(h.cpuUs / b.cpuUs, 2)}×`);
          }
        }
      }
      console.log();
    }

    if (SECTIONS.has("floor") && pgHub) {
      // bench/floor_proxy.ts: the bare proxy plus only what a metered, durable call cannot skip (non-stream).
      const c = Math.max(...CONNECTIONS);
      const floorProc = await spawnServer(["bench/floor_proxy.ts", upstream.url, database.url, REDIS_URL, `${pgEnv.REDIS_PREFIX}-floor`]);
      const floor: Target = { name: "floor proxy", url: `${floorProc.url}/v1/chat/completions`, pid: floorProc.proc.pid, headers: {} };
      console.log(`— The floor of a metered call on PostgreSQL + Redis (${c} connections): parse, one Redis script and one XADD per turn, records flushed to PostgreSQL\n${HEADER}`);
      const [p, f, h] = await measureAll([bare, floor, pgHub], bodyOf(false), c) as [Point, Point, Point];
      row("non-stream", c, bare.name, p);
      row("non-stream", c, floor.name, f);
      row("non-stream", c, pgHub.name, h);
      console.log(`           → floor/proxy req/s ${fmt(f.rps / p.rps, 2)}, p99 ${fmt(f.p99 / p.p99, 2)}×, floor ${fmt(f.cpuUs)} µs CPU/call; hub/floor req/s ${fmt(h.rps / f.rps, 2)}, hub CPU per call − floor's: ${fmt(h.cpuUs - f.cpuUs)} µs`);
      await stopServer(floorProc.proc);
      console.log();
    }

    if (SECTIONS.has("workers") && pgHub) {
      const c = Math.max(...CONNECTIONS);
      const two = await spawnServer(["src/main.ts"], { ...pgEnv, PORT: String(freePort()), WORKERS: "2" }, "/ready");
      await Bun.sleep(1500); // the second worker
      const hub2: Target = { ...pgHub, name: "hub, WORKERS=2", url: `${two.url}/v1/chat/completions`, pid: two.proc.pid };
      console.log(`— PostgreSQL + Redis, 1 vs 2 worker processes (${c} connections)\n${HEADER}`);
      for (const stream of [false, true]) {
        const mode = stream ? "stream" : "non-stream";
        const [p, one, r2] = await measureAll([bare, { ...pgHub, name: "hub, 1 worker" }, hub2], bodyOf(stream), c) as [Point, Point, Point];
        row(mode, c, bare.name, p);
        row(mode, c, "hub, 1 worker", one);
        row(mode, c, hub2.name, r2);
        console.log(`           → hub/proxy req/s 1 worker ${fmt(one.rps / p.rps, 2)}, 2 workers ${fmt(r2.rps / p.rps, 2)}; p99 ${fmt(one.p99 / p.p99, 2)}× / ${fmt(r2.p99 / p.p99, 2)}×`);
      }
      await stopServer(two.proc);
      console.log();
    }

    if (SECTIONS.has("slow") && pgHub) {
      console.log("1,000 concurrent streams, 1 s each from a slow upstream:");
      const slow: Record<string, LoadResult> = {};
      for (const target of [direct, pgHub]) {
        const r = await runWrk(target.url, { body: bodyOf(true, "slow !slow:1000"), headers: target.headers, connections: 1000, seconds: Math.max(4, SECONDS) });
        slow[target.name] = r;
        console.log(`  ${target.name.padEnd(18)} ${fmt(r.rps, 1)} streams/s  p50 ${fmt(r.p50, 0)} ms  p99 ${fmt(r.p99, 0)} ms  errors ${r.errors + r.nonOk}  rss ${treeRssMb(target.pid)} MB`);
      }
      console.log(`  → hub/direct streams/s ${fmt(slow[pgHub.name]!.rps / slow[direct.name]!.rps, 2)}`);
    }
  } finally {
    for (const child of children) child.kill("SIGTERM");
    await Promise.all(children.map((c) => c.exited));
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(baselineDataDir, { recursive: true, force: true });
    await database.drop();
    await baselineDatabase?.drop();
  }
}

await main();
