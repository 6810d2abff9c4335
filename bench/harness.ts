// What the HTTP benchmarks share: free ports, child servers started and stopped, a hub user and key with lifted
// limits, one measured point under wrk with the target's CPU sampled from /proc, and the table's row format.
import type { LoadResult } from "./load.ts";
import { busyShare, machineCpu, treeCpuSeconds, treeRssMb } from "./proc.ts";
import { runWrk } from "./wrk.ts";

export const BUN = process.execPath;
/** Every child a benchmark started, so its `finally` can stop them all. */
export const children: Array<ReturnType<typeof Bun.spawn>> = [];

/** A server under load; `pids` when it is several processes (hubs behind a balancer), else `pid`. */
export interface Target { name: string; url: string; pid: number; pids?: number[]; headers: Record<string, string> }
export type Point = LoadResult & { rss: number; cpuUs: number; busy: number };

/** A loopback port nothing listens on right now. */
export function freePort(): number {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port!;
  probe.stop(true);
  return port;
}

/** Starts a Bun script that prints its URL (or a hub's start line) first; waits for `readyPath` when given. */
export async function spawnServer(args: string[], env: Record<string, string> = {}, readyPath = "", cwd?: string): Promise<{ url: string; proc: ReturnType<typeof Bun.spawn> }> {
  const proc = Bun.spawn([BUN, ...args], { cwd, env: { ...process.env, BUN_CONFIG_MAX_HTTP_REQUESTS: "8192", ...env }, stdout: "pipe", stderr: "inherit" });
  children.push(proc);
  const reader = (proc.stdout as ReadableStream<Uint8Array>).getReader();
  const { value } = await reader.read();
  const line = new TextDecoder().decode(value).trim().split("\n")[0]!;
  // A hub's start line ("AI Hub is running at http://localhost:…") or a helper's bare URL.
  const url = (/https?:\/\/[^\s"]+/.exec(line)?.[0] ?? line).replace("localhost", "127.0.0.1");
  void (async () => { while (!(await reader.read()).done); })(); // keep draining later log lines
  if (readyPath) await waitFor(url + readyPath);
  return { url, proc };
}

/** Polls `url` until it answers (any status) or ten seconds pass. */
export async function waitFor(url: string, init?: RequestInit): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await fetch(url, init).then((r) => r.ok || r.status < 500, () => false)) return;
    await Bun.sleep(100);
  }
  throw new Error(`Cannot benchmark: ${url} did not answer within 10 s`);
}

export async function stopServer(proc: ReturnType<typeof Bun.spawn>): Promise<void> {
  proc.kill("SIGTERM");
  await proc.exited;
}

async function json(url: string, body: unknown, token?: string) {
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`${url}: ${r.status} ${await r.text()}`);
  return await r.json() as Record<string, unknown>;
}

/** The operator command of the checkout in `cwd` (it reaches the hub that runs there through its data directory). */
function admin(args: string[], env: Record<string, string>, cwd?: string): void {
  const cmd = Bun.spawnSync([BUN, "src/admin/cli.ts", ...args], { cwd, env: { ...process.env, ...env } });
  if (cmd.exitCode !== 0) throw new Error(`admin: ${cmd.stderr.toString()}`);
}

/** A new database on the benchmarks' PostgreSQL (BENCH_POSTGRES_URL's server), named `prefix` + a timestamp; `drop` removes it. */
export async function scratchDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const { default: postgres } = await import("postgres");
  const adminUrl = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const name = `${prefix}_${Date.now().toString(36)}`;
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

export const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : "-");

/** One measured point: warm-up, then load with the target's CPU and the machine's busy share sampled around it. */
export async function measure(target: Target, body: string, connections: number, seconds: number): Promise<Point> {
  await runWrk(target.url, { body, headers: target.headers, connections, seconds: 1 });
  const pids = target.pids ?? [target.pid];
  const cpu = () => pids.reduce((sum, pid) => sum + treeCpuSeconds(pid), 0);
  const cpu0 = cpu(), m0 = machineCpu();
  const r = await runWrk(target.url, { body, headers: target.headers, connections, seconds });
  const cpu1 = cpu(), m1 = machineCpu();
  const rss = pids.reduce((sum, pid) => sum + treeRssMb(pid), 0);
  return { ...r, rss, cpuUs: ((cpu1 - cpu0) * 1e6) / Math.max(1, r.requests), busy: busyShare(m0, m1) };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** One point from several rounds of the same target: the median of each figure, errors summed. */
export function medianPoint(points: Point[]): Point {
  const of = (field: "rps" | "p50" | "p99" | "rss" | "cpuUs" | "busy") => median(points.map((p) => p[field]));
  return {
    requests: points.reduce((sum, p) => sum + p.requests, 0), errors: points.reduce((sum, p) => sum + p.errors, 0), nonOk: points.reduce((sum, p) => sum + p.nonOk, 0),
    rps: of("rps"), p50: of("p50"), p99: of("p99"), rss: Math.round(of("rss")), cpuUs: of("cpuUs"), busy: of("busy"),
  };
}

export function row(mode: string, connections: number, name: string, r: Point): void {
  console.log(`${mode.padEnd(11)}${String(connections).padStart(5)}  ${name.padEnd(22)}${fmt(r.rps).padStart(7)}  ${fmt(r.p50, 2).padStart(7)} ${fmt(r.p99, 2).padStart(7)}  ${String(r.rss).padStart(5)}  ${fmt(r.cpuUs).padStart(6)}  ${fmt(r.busy * 100).padStart(4)}%  ${r.errors + r.nonOk}`);
}

export const HEADER = "mode       conns  target                  req/s   p50 ms  p99 ms  rss MB  µs/req  busy  errors";
export const bodyOf = (stream: boolean, content = "benchmark") => JSON.stringify({ model: "fake-model", stream, messages: [{ role: "user", content }] });

/** Registers a user and lifts its limits with the operator command (of the checkout in `cwd`); returns its session token. */
export async function benchUser(hubUrl: string, env: Record<string, string>, beforeAdmin?: () => Promise<void>, cwd?: string): Promise<string> {
  const email = `bench-${Date.now()}@example.com`;
  const { access_token } = await json(`${hubUrl}/api/v1/auth/register`, { email, password: "bench-password-123" }) as { access_token: string };
  await beforeAdmin?.();
  admin(["set-plan", email, "enterprise", "--quota", "1000000000", "--rate-limit-ceiling", "1000000000"], env, cwd);
  return access_token;
}

/** Creates an API key with a rate limit far above any benchmark's rate. */
export async function createKey(hubUrl: string, token: string): Promise<string> {
  await Bun.sleep(200);
  const { key } = await json(`${hubUrl}/api/v1/developer/api-keys`, { name: "bench", rate_limit: 1_000_000_000 }, token) as { key: string };
  return key;
}
