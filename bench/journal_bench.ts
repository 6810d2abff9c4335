// The usage journal's reconcile (a closed segment's records checked against usage_records, the missing ones
// stored) on a small and on a large usage_records table: its time should follow the segment, not the table.
// Each segment holds BENCH_SEGMENT records, a share BENCH_STORED (half by default) already stored; the table is
// filled with generated rows.
// Beside its time: the longest stall of the event loop while it ran (what calls served meanwhile waited) and the
// process's peak RSS growth. BENCH_SEGMENT=200000 makes a segment of ~70 MB, about the most a segment grows to (64 MB, then it rotates).
// BENCH_BASELINE=<another checkout> reconciles the same segments with that checkout's journal too, in the same run.
// Run: BENCH_ONLY=journal npm run bench   (needs PostgreSQL at 127.0.0.1:5432)
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { migrate, openPostgres } from "../src/db/mod.ts";
import { createLogger } from "../src/log.ts";
import { quotaPeriod } from "../src/plans/mod.ts";
import type { openUsageJournal } from "../src/usage/journal.ts";
import { writeUsageBatch } from "../src/usage/store.ts";
import { fmt, scratchDatabase } from "./harness.ts";

const SEGMENT = Number(process.env.BENCH_SEGMENT ?? 10_000);
const SIZES = (process.env.BENCH_TABLE_ROWS ?? "20000,1000000").split(",").map(Number);
const ANALYZE = process.env.BENCH_ANALYZE === "1";
// The share of each segment already in usage_records (the flusher's work): 1 is a healthy hub's segment.
const STORED = Math.min(1, Math.max(0, Number(process.env.BENCH_STORED ?? 0.5)));
const BASELINE = process.env.BENCH_BASELINE ? resolve(process.env.BENCH_BASELINE) : null;

type Open = typeof openUsageJournal;

/** Watches the event loop with a 1 ms timer: its longest late tick and the process's peak RSS growth meanwhile. */
function stallWatch(): { stop(): { stallMs: number; rssGrowthMb: number } } {
  const rss0 = process.memoryUsage.rss();
  let last = performance.now(), stallMs = 0, peak = rss0;
  const timer = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last - 1);
    last = now;
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 1);
  return {
    stop() {
      clearInterval(timer);
      return { stallMs, rssGrowthMb: (peak - rss0) / 1024 / 1024 };
    },
  };
}

async function main() {
  const { default: postgres } = await import("postgres");
  const scratch = await scratchDatabase("aihub_bench_journal");
  const database = await openPostgres(scratch.url, { max: 2 });
  const raw = postgres(scratch.url, { max: 1, onnotice: () => {} });
  const journals: Array<{ name: string; module: string }> = [{ name: "this checkout", module: resolve("src/usage/journal.ts") }];
  if (BASELINE) journals.push({ name: "baseline", module: join(BASELINE, "src/usage/journal.ts") });
  try {
    await migrate(database);
    const db = database.db;
    const [user] = await raw.unsafe(`insert into users (email, password_hash) values ('journal-bench@example.com', 'x') returning id`) as Array<{ id: number }>;
    const [key] = await raw.unsafe(`insert into api_keys (user_id, key_hash, key_prefix, name) values ($1, 'bench', 'ai-hub-bench', 'bench') returning id`, [user!.id]) as Array<{ id: number }>;
    const record = () => JSON.stringify({
      id: crypto.randomUUID(), userId: user!.id, apiKeyId: key!.id, endpoint: "/v1/chat/completions", model: "m", upstream: "u", status: 200, outcome: "ok",
      countsQuota: false, promptTokens: 1, completionTokens: 1, tokensEstimated: false, cost: 0, latencyMs: 1, ttfbMs: 1, stream: false, error: null,
      createdAt: new Date().toISOString(), quotaPeriod: quotaPeriod().key,
    });
    const rows = async () => Number(((await raw.unsafe(`select count(*)::int as n from usage_records`)) as Array<{ n: number }>)[0]!.n);

    console.log(`Usage journal reconcile: a segment of ${SEGMENT.toLocaleString()} records (${fmt(STORED * 100)} % already stored) against usage_records of growing size, ${ANALYZE ? "its partitions analysed" : "not analysed (a new month's partition)"}\n`);
    console.log(["table rows".padEnd(12), "journal".padEnd(16), "segment MB".padStart(10), "reconcile ms".padStart(13), "µs/record".padStart(10), "max stall ms".padStart(13), "RSS +MB".padStart(8)].join(" "));
    const times = new Map<string, number[]>();
    for (const size of SIZES) {
      // Generated rows up to `size` (the stored share of each segment counts too). BENCH_ANALYZE=1 analyses each
      // partition first, as autovacuum would in time; without it the table is as a month's new partition is until
      // autovacuum first gets to it (or always, where autovacuum is off: this machine's PostgreSQL has it off).
      const missingRows = size - (await rows());
      if (missingRows > 0) {
        await raw.unsafe(`insert into usage_records (id, user_id, api_key_id, endpoint, status, outcome, created_at)
          select gen_random_uuid()::text, $1, $2, '/v1/chat/completions', 200, 'ok', now() - (g % 1000) * interval '1 second' from generate_series(1, $3) g`, [user!.id, key!.id, missingRows]);
      }
      if (ANALYZE) {
        const partitions = (await raw.unsafe(`select inhrelid::regclass::text as name from pg_inherits where inhparent = 'usage_records'::regclass`)) as Array<{ name: string }>;
        for (const { name } of partitions) await raw.unsafe(`analyze ${name}`);
      }
      for (const journal of journals) {
        const lines = Array.from({ length: SEGMENT }, record);
        const stored = Math.round(lines.length * STORED);
        for (let i = 0; i < stored; i += 1000) await writeUsageBatch(db, lines.slice(i, Math.min(i + 1000, stored)));
        const dir = mkdtempSync(join(tmpdir(), "aihub-bench-journal-"));
        // pid 4194305 is above Linux's pid_max: its hub is surely dead, so the journal reconciles the segment at once.
        const text = `${lines.join("\n")}\n`;
        writeFileSync(join(dir, "usage-4194305-bench-0.jsonl"), text);
        const segmentMb = Buffer.byteLength(text) / 1024 / 1024;
        // In a process of its own, as a hub starting after a crash replays the segment its predecessor left.
        const child = Bun.spawnSync([process.execPath, import.meta.path, "reconcile", journal.module, dir, scratch.url], { stderr: "inherit" });
        rmSync(dir, { recursive: true, force: true });
        if (child.exitCode !== 0) throw new Error(`the reconcile of ${journal.name} failed`);
        const { ms, stallMs, rssGrowthMb } = JSON.parse(child.stdout.toString()) as { ms: number; stallMs: number; rssGrowthMb: number };
        times.set(journal.name, [...(times.get(journal.name) ?? []), ms]);
        console.log([(await rows()).toLocaleString().padEnd(12), journal.name.padEnd(16), fmt(segmentMb, 1).padStart(10), fmt(ms).padStart(13), fmt((ms * 1000) / SEGMENT, 1).padStart(10), fmt(stallMs, 1).padStart(13), fmt(rssGrowthMb).padStart(8)].join(" "));
      }
    }
    console.log("");
    for (const [name, [first, ...rest]] of times) console.log(`${name}: the largest table's reconcile took ${fmt(rest.at(-1)! / first!, 2)}× the smallest's`);
    if (BASELINE) console.log(`this checkout vs baseline on the largest table: ${fmt(times.get("this checkout")!.at(-1)! / times.get("baseline")!.at(-1)!, 3)}× the time`);
  } finally {
    await database.close();
    await raw.end();
    await scratch.drop();
  }
}

/** The child: reconciles the segments in `dir` with the journal of `module`, and prints its time, longest stall and RSS growth. */
async function reconcileInChild(module: string, dir: string, url: string) {
  const database = await openPostgres(url, { max: 2 });
  const open = ((await import(module)) as { openUsageJournal: Open }).openUsageJournal;
  const watch = stallWatch();
  const started = performance.now();
  const journal = await open(dir, database.db, { log: createLogger("silent"), reconcileAfterMs: 3_600_000 });
  await journal.reconcileNow();
  const ms = performance.now() - started;
  const { stallMs, rssGrowthMb } = watch.stop();
  await journal.close();
  await database.close();
  console.log(JSON.stringify({ ms, stallMs, rssGrowthMb }));
}

if (process.argv[2] === "reconcile") await reconcileInChild(process.argv[3]!, process.argv[4]!, process.argv[5]!);
else await main();
