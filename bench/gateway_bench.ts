// Benchmarks the hub's full path (key check, atomic limit + quota, proxy, usage record) against a bare Bun proxy
// and the upstream itself, all on this machine, and prints requests/s, p50/p99 and resident memory with ratios.
// Run: npm run bench   (needs PostgreSQL at 127.0.0.1:5432 and Redis at 127.0.0.1:6379)
import { readFileSync } from "node:fs";
import { runLoad, type LoadResult } from "./load.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? "1,16,64").split(",").map(Number);
const ADMIN_PG = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const BUN = process.execPath;
const children: Array<ReturnType<typeof Bun.spawn>> = [];

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Math.round(Number(status.match(/VmRSS:\s+(\d+)/)![1]) / 1024);
}

async function spawnServer(args: string[], env: Record<string, string> = {}, readyPath = ""): Promise<{ url: string; pid: number }> {
  const proc = Bun.spawn([BUN, ...args], { env: { ...process.env, BUN_CONFIG_MAX_HTTP_REQUESTS: "8192", ...env }, stdout: "pipe", stderr: "inherit" });
  children.push(proc);
  const reader = (proc.stdout as ReadableStream<Uint8Array>).getReader();
  const { value } = await reader.read();
  const line = new TextDecoder().decode(value).trim().split("\n")[0]!;
  const url = line.startsWith("{") ? JSON.parse(line).url.replace("localhost", "127.0.0.1") : line;
  if (readyPath) for (let i = 0; i < 100 && !(await fetch(url + readyPath).then((r) => r.ok, () => false)); i++) await Bun.sleep(100);
  return { url, pid: proc.pid };
}

async function json(url: string, body: unknown, token?: string) {
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`${url}: ${r.status} ${await r.text()}`);
  return await r.json() as Record<string, unknown>;
}

const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : "-");

async function main() {
  const { default: postgres } = await import("postgres");
  const admin = postgres(ADMIN_PG, { max: 1, onnotice: () => {} });
  const dbName = `aihub_bench_${Date.now().toString(36)}`;
  await admin.unsafe(`create database ${dbName}`);
  const dbUrl = new URL(ADMIN_PG);
  dbUrl.pathname = `/${dbName}`;
  try {
    const upstream = await spawnServer(["src/testing/fake_upstream.ts", "0"]);
    const proxy = await spawnServer(["bench/bare_proxy.ts", upstream.url]);
    const hubEnv = { DATABASE_URL: dbUrl.toString(), REDIS_URL, REDIS_PREFIX: `aihub-bench-${Date.now().toString(36)}`, JWT_SECRET: "bench-secret-bench-secret-bench-secret-42", UPSTREAM_BASE_URL: upstream.url, UPSTREAM_MODELS: "fake-model", LOG_LEVEL: "warn", PORT: "0", HOST: "127.0.0.1", PASSWORD_MEMORY_COST: "1024", PASSWORD_TIME_COST: "1" };
    // The hub logs its URL at info level once it listens.
    const hub = await spawnServer(["src/main.ts"], { ...hubEnv, LOG_LEVEL: "info" }, "/ready");

    const email = `bench-${Date.now()}@example.com`;
    const { access_token } = await json(`${hub.url}/api/v1/auth/register`, { email, password: "bench-password-123" }) as { access_token: string };
    // Custom limits through the operator command, as an enterprise deal would get them.
    const adminCmd = Bun.spawnSync([BUN, "src/admin/cli.ts", "set-plan", email, "enterprise", "--quota", "1000000000", "--rate-limit-ceiling", "1000000000"], { env: { ...process.env, ...hubEnv } });
    if (adminCmd.exitCode !== 0) throw new Error(`admin: ${adminCmd.stderr.toString()}`);
    await Bun.sleep(200);
    const { key } = await json(`${hub.url}/api/v1/developer/api-keys`, { name: "bench", rate_limit: 1_000_000_000 }, access_token) as { key: string };

    const targets: Array<{ name: string; url: string; pid: number; headers: Record<string, string> }> = [
      { name: "upstream direct", url: `${upstream.url}/chat/completions`, pid: upstream.pid, headers: {} },
      { name: "bare Bun proxy", url: `${proxy.url}/v1/chat/completions`, pid: proxy.pid, headers: {} },
      { name: "hub (PG + Redis)", url: `${hub.url}/v1/chat/completions`, pid: hub.pid, headers: { authorization: `Bearer ${key}` } },
    ];
    const results = new Map<string, LoadResult & { rss: number }>();
    console.log(`AI Hub gateway benchmark: ${SECONDS}s per run, fake upstream, bare proxy and hub on this machine (${navigator.hardwareConcurrency} cores)\n`);
    console.log("mode        conns  target              req/s     p50 ms   p99 ms   rss MB  errors");
    for (const stream of [false, true]) {
      const body = JSON.stringify({ model: "fake-model", stream, messages: [{ role: "user", content: "benchmark" }] });
      for (const connections of CONNECTIONS) {
        for (const target of targets) {
          await runLoad(target.url, { body, headers: target.headers, connections, seconds: 0.5 });
          const r = await runLoad(target.url, { body, headers: target.headers, connections, seconds: SECONDS });
          const rss = rssMb(target.pid);
          results.set(`${stream}-${connections}-${target.name}`, { ...r, rss });
          console.log(`${(stream ? "stream" : "non-stream").padEnd(12)}${String(connections).padStart(5)}  ${target.name.padEnd(18)}${fmt(r.rps).padStart(7)}  ${fmt(r.p50, 2).padStart(8)} ${fmt(r.p99, 2).padStart(8)}  ${String(rss).padStart(6)}  ${r.errors + r.nonOk}`);
        }
        const hubR = results.get(`${stream}-${connections}-hub (PG + Redis)`)!;
        const proxyR = results.get(`${stream}-${connections}-bare Bun proxy`)!;
        const direct = results.get(`${stream}-${connections}-upstream direct`)!;
        console.log(`            → hub/proxy req/s ${fmt(hubR.rps / proxyR.rps, 2)}, p99 ${fmt(hubR.p99 / proxyR.p99, 2)}×, p50 over direct +${fmt(hubR.p50 - direct.p50, 2)} ms`);
      }
    }

    // 1,000 concurrent slow streams (1 s each): direct vs hub.
    console.log("\n1,000 concurrent streams, 1 s each from a slow upstream:");
    const slowBody = JSON.stringify({ model: "fake-model", stream: true, messages: [{ role: "user", content: "slow !slow:1000" }] });
    const slow: Record<string, LoadResult> = {};
    for (const target of [targets[0]!, targets[2]!]) {
      const r = await runLoad(target.url, { body: slowBody, headers: target.headers, connections: 1000, seconds: Math.max(4, SECONDS) });
      slow[target.name] = r;
      console.log(`  ${target.name.padEnd(18)} ${fmt(r.rps, 1)} streams/s  p50 ${fmt(r.p50, 0)} ms  p99 ${fmt(r.p99, 0)} ms  errors ${r.errors + r.nonOk}  rss ${rssMb(target.pid)} MB`);
    }
    console.log(`  → hub/direct streams/s ${fmt(slow["hub (PG + Redis)"]!.rps / slow["upstream direct"]!.rps, 2)}`);
  } finally {
    for (const child of children) child.kill("SIGTERM");
    await Promise.all(children.map((c) => c.exited));
    await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }
}

await main();
