// Benchmarks the hub beside its peers on one fake upstream: a bare Bun proxy (the baseline), nginx proxy_pass, the
// open-source Portkey gateway under Bun and under Node, and the hub on PostgreSQL + Redis and on the embedded default,
// with non-stream chat completions at 1, 16 and 64 connections; prints req/s, p50/p99, CPU per request, ratios to
// the bare proxy of the same run, and the hub over Portkey-on-Bun (the goal: ≥ 2× while doing keys, limits, quota
// and usage records that the others do not); and three hubs behind HAProxy on a 3-master Redis Cluster (Debian's
// haproxy and redis-server), the deployment of the README's Scale-out section on one machine.
// Run: node_modules/.bin/bun bench/peers_bench.ts   (nginx from Debian; PostgreSQL at 127.0.0.1:5432, Redis at :6379)
// BENCH_PEERS=nginx,portkey-bun,portkey-node,hub-pg,hub-embedded,hub-trio picks peers (the bare proxy always runs);
// BENCH_SECONDS, BENCH_CONNECTIONS as in gateway_bench.ts.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchUser, bodyOf, BUN, children, createKey, fmt, freePort, HEADER, measure, type Point, row, spawnServer, stopServer, type Target, waitFor } from "./harness.ts";
import { WRK } from "./wrk.ts";
import { type Haproxy, startHaproxy } from "../src/testing/haproxy.ts";
import { type RedisCluster, startRedisCluster } from "../src/testing/redis_cluster.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? "1,16,64").split(",").map(Number);
const PEERS = new Set((process.env.BENCH_PEERS ?? "nginx,portkey-bun,portkey-node,hub-pg,hub-embedded,hub-trio").split(","));
const ADMIN_PG = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const PORTKEY = "node_modules/@portkey-ai/gateway/build/start-server.js";
const BARE = "bare Bun proxy", PORTKEY_BUN = "Portkey on Bun";

/** nginx from Debian as a plain reverse proxy: one worker (like the one-process Bun servers), keep-alive upstream. */
async function startNginx(dir: string, upstreamUrl: string): Promise<Target | null> {
  const nginx = Bun.which("nginx") ?? Bun.which("nginx", { PATH: "/usr/sbin:/sbin" });
  if (!nginx) return skip("nginx", "not installed (apt-get install nginx-light)");
  const up = new URL(upstreamUrl), port = freePort();
  writeFileSync(join(dir, "nginx.conf"), `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log stderr warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream fake { server ${up.host}; keepalive 128; }
  server {
    listen 127.0.0.1:${port};
    location = /v1/chat/completions {
      proxy_pass http://fake${up.pathname}/chat/completions;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`);
  const proc = Bun.spawn([nginx, "-p", dir, "-c", join(dir, "nginx.conf"), "-e", "stderr"], { stdout: "ignore", stderr: "inherit" });
  children.push(proc);
  const url = `http://127.0.0.1:${port}/v1/chat/completions`;
  await waitFor(url, { method: "POST", headers: { "content-type": "application/json" }, body: bodyOf(false) });
  return { name: "nginx proxy_pass", url, pid: proc.pid, headers: {} };
}

/** The Portkey gateway's own Node entry (a Hono app on @hono/node-server), run by `runtime`; the fake upstream is a custom OpenAI host. */
async function startPortkey(runtime: "bun" | "node", upstreamUrl: string): Promise<Target | null> {
  const exe = runtime === "bun" ? BUN : Bun.which("node");
  if (!exe) return skip(`Portkey on ${runtime}`, "node is not installed");
  const port = freePort();
  // NODE_ENV=production and --headless: no log console UI, no extra routes.
  const proc = Bun.spawn([exe, PORTKEY, `--port=${port}`, "--headless"], { env: { ...process.env, NODE_ENV: "production" }, stdout: "ignore", stderr: "inherit" });
  children.push(proc);
  await waitFor(`http://127.0.0.1:${port}/`);
  return {
    name: runtime === "bun" ? PORTKEY_BUN : "Portkey on Node",
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    pid: proc.pid,
    headers: { "x-portkey-provider": "openai", "x-portkey-custom-host": upstreamUrl, authorization: "Bearer sk-bench" },
  };
}

function skip(name: string, why: string): null {
  console.log(`(skipped ${name}: ${why})`);
  return null;
}

/** A fresh database on the benchmark's PostgreSQL; its URL. */
async function createDatabase(pgAdmin: { unsafe(sql: string): Promise<unknown> }, name: string): Promise<string> {
  await pgAdmin.unsafe(`create database ${name}`);
  const url = new URL(ADMIN_PG);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Three hubs on one database and a 3-master Redis Cluster, behind HAProxy (round robin, connections kept open). */
async function startTrio(common: Record<string, string>, databaseUrl: string, cluster: RedisCluster): Promise<{ target: Target; proxy: Haproxy }> {
  const env = { ...common, DATABASE_URL: databaseUrl, REDIS_CLUSTER_NODES: cluster.nodes.join(",") };
  const hubs = [];
  for (let i = 0; i < 3; i++) hubs.push(await spawnServer(["src/main.ts"], { ...env, PORT: String(freePort()) }, "/ready"));
  const token = await benchUser(hubs[0]!.url, env);
  const key = await createKey(hubs[0]!.url, token);
  const proxy = await startHaproxy(hubs.map((h) => h.url), { reuseConnections: true });
  await waitFor(`${proxy.base}/ready`);
  const pids = [proxy.pid, ...hubs.map((h) => h.proc.pid)];
  return { proxy, target: { name: "3 hubs + HAProxy", url: `${proxy.base}/v1/chat/completions`, pid: proxy.pid, pids, headers: { authorization: `Bearer ${key}` } } };
}

async function main() {
  const { default: postgres } = await import("postgres");
  const pgAdmin = PEERS.has("hub-pg") || PEERS.has("hub-trio") ? postgres(ADMIN_PG, { max: 1, onnotice: () => {} }) : null;
  const dbName = `aihub_peers_${Date.now().toString(36)}`;
  const trioDbName = `${dbName}_trio`;
  let cluster: RedisCluster | null = null;
  let balancer: Haproxy | null = null;
  const dir = mkdtempSync(join(tmpdir(), "aihub-peers-"));
  try {
    const upstream = await spawnServer(["src/testing/fake_upstream.ts", "0"]);
    const proxy = await spawnServer(["bench/bare_proxy.ts", upstream.url]);
    const common = { JWT_SECRET: "bench-secret-bench-secret-bench-secret-42", UPSTREAM_BASE_URL: upstream.url, UPSTREAM_MODELS: "fake-model", LOG_LEVEL: "info", HOST: "127.0.0.1", PASSWORD_MEMORY_COST: "1024", PASSWORD_TIME_COST: "1" };
    const targets: Target[] = [{ name: BARE, url: `${proxy.url}/v1/chat/completions`, pid: proxy.proc.pid, headers: {} }];
    const add = (t: Target | null) => { if (t) targets.push(t); };

    if (PEERS.has("nginx")) add(await startNginx(dir, upstream.url));
    if (PEERS.has("portkey-bun")) add(await startPortkey("bun", upstream.url));
    if (PEERS.has("portkey-node")) add(await startPortkey("node", upstream.url));
    if (pgAdmin && PEERS.has("hub-pg")) {
      const env = { ...common, DATABASE_URL: await createDatabase(pgAdmin, dbName), REDIS_URL, REDIS_PREFIX: `aihub-peers-${Date.now().toString(36)}`, PORT: String(freePort()) };
      const hub = await spawnServer(["src/main.ts"], env, "/ready");
      const token = await benchUser(hub.url, env);
      add({ name: "hub (PG + Redis)", url: `${hub.url}/v1/chat/completions`, pid: hub.proc.pid, headers: { authorization: `Bearer ${await createKey(hub.url, token)}` } });
    }
    if (PEERS.has("hub-embedded")) {
      const env = { ...common, DATA_DIR: join(dir, "hub-data"), PORT: String(freePort()) };
      let hub = await spawnServer(["src/main.ts"], env, "/ready");
      // The embedded database has one owner: stop the hub for the operator command, then start it again.
      const token = await benchUser(hub.url, env, () => stopServer(hub.proc));
      hub = await spawnServer(["src/main.ts"], env, "/ready");
      add({ name: "hub (embedded)", url: `${hub.url}/v1/chat/completions`, pid: hub.proc.pid, headers: { authorization: `Bearer ${await createKey(hub.url, token)}` } });
    }

    if (pgAdmin && PEERS.has("hub-trio")) {
      cluster = await startRedisCluster(3);
      const trio = await startTrio(common, await createDatabase(pgAdmin, trioDbName), cluster);
      balancer = trio.proxy;
      add(trio.target);
    }

    console.log(`AI Hub beside peers: non-stream chat completions, ${SECONDS}s per point, one fake upstream, every server on this machine (${navigator.hardwareConcurrency} cores), load by ${WRK ? "wrk (external)" : "in-process fetch loops (install wrk for an external generator)"}`);
    console.log("µs/req: CPU time of the target's processes ÷ requests; busy: all cores' busy share during the point (load generator, upstream, PostgreSQL and Redis included)\n");
    console.log(HEADER);
    const results = new Map<string, Point>();
    const body = bodyOf(false);
    for (const connections of CONNECTIONS) {
      for (const target of targets) {
        const r = await measure(target, body, connections, SECONDS);
        results.set(`${connections}-${target.name}`, r);
        row("non-stream", connections, target.name, r);
      }
    }

    const portkey = targets.some((t) => t.name === PORTKEY_BUN);
    console.log(`\nRatios to the bare Bun proxy of this run (req/s ×, p99 ×)${portkey ? " and each hub over Portkey on Bun (req/s ×; goal ≥ 2)" : ""}:`);
    console.log(`conns  target                  req/s×  p99×${portkey ? "  ÷Portkey-Bun" : ""}`);
    for (const connections of CONNECTIONS) {
      const base = results.get(`${connections}-${BARE}`)!, pk = results.get(`${connections}-${PORTKEY_BUN}`);
      for (const target of targets.slice(1)) {
        const r = results.get(`${connections}-${target.name}`)!;
        const overPortkey = pk && /hub/.test(target.name) ? fmt(r.rps / pk.rps, 2).padStart(13) : "";
        console.log(`${String(connections).padStart(5)}  ${target.name.padEnd(22)}${fmt(r.rps / base.rps, 2).padStart(7)} ${fmt(r.p99 / base.p99, 2).padStart(5)}${overPortkey}`);
      }
    }
  } finally {
    for (const child of children) child.kill("SIGTERM");
    await Promise.all(children.map((c) => c.exited));
    await balancer?.stop();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
    if (pgAdmin) {
      await pgAdmin.unsafe(`drop database if exists ${dbName} with (force)`);
      await pgAdmin.unsafe(`drop database if exists ${trioDbName} with (force)`);
      await pgAdmin.end();
    }
  }
}

await main();
