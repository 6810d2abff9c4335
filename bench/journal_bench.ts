// The usage journal's reconcile (a closed segment's records checked against usage_records, the missing ones
// stored) on a small and on a large usage_records table: its time should follow the segment, not the table.
// Each segment holds BENCH_SEGMENT records, half already stored; the table is filled with generated rows.
// BENCH_BASELINE=<another checkout> reconciles the same segments with that checkout's journal too, in the same run.
// Run: BENCH_ONLY=journal npm run bench   (needs PostgreSQL at 127.0.0.1:5432)
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { migrate, openPostgres } from "../src/db/mod.ts";
import { createLogger } from "../src/log.ts";
import { quotaPeriod } from "../src/plans/mod.ts";
import { openUsageJournal } from "../src/usage/journal.ts";
import { writeUsageBatch } from "../src/usage/store.ts";
import { fmt, scratchDatabase } from "./harness.ts";

const SEGMENT = Number(process.env.BENCH_SEGMENT ?? 10_000);
const SIZES = (process.env.BENCH_TABLE_ROWS ?? "20000,1000000").split(",").map(Number);
const ANALYZE = process.env.BENCH_ANALYZE === "1";
const BASELINE = process.env.BENCH_BASELINE ? resolve(process.env.BENCH_BASELINE) : null;

type Open = typeof openUsageJournal;

async function main() {
  const { default: postgres } = await import("postgres");
  const scratch = await scratchDatabase("aihub_bench_journal");
  const database = await openPostgres(scratch.url, { max: 2 });
  const raw = postgres(scratch.url, { max: 1, onnotice: () => {} });
  const journals: Array<{ name: string; open: Open }> = [{ name: "this checkout", open: openUsageJournal }];
  if (BASELINE) journals.push({ name: "baseline", open: ((await import(join(BASELINE, "src/usage/journal.ts"))) as { openUsageJournal: Open }).openUsageJournal });
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

    console.log(`Usage journal reconcile: a segment of ${SEGMENT.toLocaleString()} records (half already stored) against usage_records of growing size, ${ANALYZE ? "its partitions analysed" : "not analysed (a new month's partition)"}\n`);
    console.log(["table rows".padEnd(12), "journal".padEnd(16), "reconcile ms".padStart(13), "µs/record".padStart(10)].join(" "));
    const times = new Map<string, number[]>();
    for (const size of SIZES) {
      // Generated rows up to `size` (the stored half of each segment counts too). BENCH_ANALYZE=1 analyses each
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
        for (let i = 0; i < lines.length / 2; i += 1000) await writeUsageBatch(db, lines.slice(i, Math.min(i + 1000, lines.length / 2)));
        const dir = mkdtempSync(join(tmpdir(), "aihub-bench-journal-"));
        // pid 4194305 is above Linux's pid_max: its hub is surely dead, so the journal reconciles the segment at once.
        writeFileSync(join(dir, "usage-4194305-bench-0.jsonl"), `${lines.join("\n")}\n`);
        const started = performance.now();
        const opened = await journal.open(dir, db, { log: createLogger("silent"), reconcileAfterMs: 3_600_000 });
        await opened.reconcileNow();
        const ms = performance.now() - started;
        await opened.close();
        rmSync(dir, { recursive: true, force: true });
        times.set(journal.name, [...(times.get(journal.name) ?? []), ms]);
        console.log([(await rows()).toLocaleString().padEnd(12), journal.name.padEnd(16), fmt(ms).padStart(13), fmt((ms * 1000) / SEGMENT, 1).padStart(10)].join(" "));
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

await main();
