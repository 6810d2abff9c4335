// The floor of a metered call in the hub's design: the bare proxy (bare_proxy.ts) plus only the work no metered,
// durable call can skip, each step as cheap as it can be written, with none of the hub's features.
//   - the body is parsed (a gateway must read the model) and the reply parsed for its usage;
//   - admit: one Redis script per event-loop turn of calls, one INCR of a counter per call (no sliding
//     window, no quota, no lease: the least an exact, shared limit takes);
//   - settle: one XADD per turn of the records' JSON (the stream the hub's records wait in);
//   - a flusher: XREADGROUP of up to 2,000 records, one INSERT of their JSON into PostgreSQL (no rollups), XACK + XDEL.
// No key check, routing, failover, headers, metrics, logs or journal. Whatever this costs, the hub cannot cost less.
// Run by gateway_bench.ts (section "floor"): bun bench/floor_proxy.ts <upstream base URL> <postgres URL> <redis URL> <prefix>
import { RedisClient } from "bun";
import postgres from "postgres";
import { createBatcher, nextTurn } from "../src/lib/batcher.ts";

const [upstream, pgUrl, redisUrl, prefix] = process.argv.slice(2) as [string, string, string, string];
const sql = postgres(pgUrl, { max: 2, onnotice: () => {} });
await sql.unsafe(`create table if not exists floor_records (id text primary key, record json not null)`);
const redis = new RedisClient(redisUrl);
const reader = new RedisClient(redisUrl);
await Promise.all([redis.connect(), reader.connect()]);
const stream = `${prefix}:records`;
await reader.send("XGROUP", ["CREATE", stream, "floor", "0", "MKSTREAM"]).catch(() => {});

// The count a limit compares (never reached here: the floor measures the cost, not the refusals).
const LIMIT = Number.MAX_SAFE_INTEGER;
const ADMIT = "local n = redis.call('INCRBY', KEYS[1], ARGV[1]) redis.call('EXPIRE', KEYS[1], 60) return n";
const admitSha = String(await redis.send("SCRIPT", ["LOAD", ADMIT]));
const admit = createBatcher(async (calls: string[]) => {
  const last = Number(await redis.send("EVALSHA", [admitSha, "1", `${prefix}:count`, String(calls.length)]));
  return calls.map((_, i) => last - calls.length + i + 1);
}, 256, { gather: nextTurn });
const settle = createBatcher(async (records: string[]) => {
  await redis.send("XADD", [stream, "*", "b", `[${records.join(",")}]`]);
  return records.map(() => undefined);
}, 256, { gather: nextTurn });

let stopped = false;
const flusher = (async () => {
  while (!stopped) {
    try {
      // Bun's client speaks RESP3: the reply maps the stream's name to its [id, [field, value]] entries.
      const reply = (await reader.send("XREADGROUP", ["GROUP", "floor", "c", "COUNT", "2000", "BLOCK", "200", "STREAMS", stream, ">"])) as Record<string, Array<[string, string[]]>> | null;
      const entries = reply?.[stream] ?? [];
      if (entries.length === 0) continue;
      const json = `[${entries.map(([, fields]) => fields[1]!.slice(1, -1)).join(",")}]`;
      await sql.unsafe(`insert into floor_records (id, record) select r->>'id', r from json_array_elements($1::text::json) r on conflict do nothing`, [json]);
      const ids = entries.map(([id]) => id);
      await Promise.all([reader.send("XACK", [stream, "floor", ...ids]), reader.send("XDEL", [stream, ...ids])]);
      if (entries.length < 2000) await Bun.sleep(200);
    } catch (error) {
      console.error("floor flusher:", error);
      await Bun.sleep(500);
    }
  }
})();

const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  idleTimeout: 0,
  async fetch(request) {
    const startedAt = performance.now();
    const body = (await request.json()) as { model: string };
    const id = Bun.randomUUIDv7();
    if ((await admit(id)) > LIMIT) return new Response("limited", { status: 429 });
    const response = await fetch(`${upstream}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: request.signal });
    const text = await response.text();
    const usage = (JSON.parse(text) as { usage?: { prompt_tokens: number; completion_tokens: number } }).usage;
    await settle(JSON.stringify({ id, model: body.model, status: response.status, promptTokens: usage?.prompt_tokens ?? 0, completionTokens: usage?.completion_tokens ?? 0, latencyMs: Math.round(performance.now() - startedAt), createdAt: new Date().toISOString() }));
    return new Response(text, { status: response.status, headers: { "content-type": "application/json" } });
  },
});
console.log(`http://127.0.0.1:${server.port}`);
process.on("SIGTERM", async () => {
  stopped = true;
  server.stop(true);
  await flusher;
  await sql.unsafe(`drop table if exists floor_records`);
  await redis.send("DEL", [stream, `${prefix}:count`]);
  await sql.end();
  process.exit(0);
});
