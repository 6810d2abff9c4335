// The local usage journal (Redis mode): each settled record's JSON is appended to a file in the hub's data
// directory before its response ends, so a record the Redis stream loses (Redis crashed before the flusher
// moved it) still reaches the database. Segments rotate; a closed segment old enough that the flusher has
// surely passed it is reconciled: the ids missing from usage_records are stored idempotently, then the
// file is deleted. A hub replays segments a dead hub left behind when it starts.
import { mkdirSync, readdirSync, renameSync, writeSync } from "node:fs";
import { open, unlink } from "node:fs/promises";
import { join } from "node:path";
import { type SQL, sql } from "drizzle-orm";
import { type Db, rowsOf } from "../db/mod.ts";
import { createBatcher, nextTurn } from "../lib/mod.ts";
import type { Logger } from "../log.ts";
import { segmentLines } from "./segment_lines.ts";
import { writeUsageBatch } from "./store.ts";

/** A journal line as JSON, or null for a torn line (its write never completed, so its response never ended). */
function parsedLine(line: string): { id?: string; void?: string } | null {
  try {
    return JSON.parse(line) as { id?: string; void?: string };
  } catch {
    return null;
  }
}

const RECORD_PREFIX = Buffer.from('{"id":"');
const VOID_PREFIX = Buffer.from('{"void":"');
const QUOTE = 0x22, BACKSLASH = 0x5c;

const startsWith = (line: Buffer, prefix: Buffer) => line.length > prefix.length && line.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;

/**
 * The id a journal line holds: a record's (its JSON starts with it) or a void mark's, read from the line's bytes
 * without decoding or parsing it (a segment holds every record of minutes of traffic); other lines are parsed.
 * The id is a string of its own, so keeping it keeps nothing of the line.
 */
function markOf(line: Buffer): { id?: string; void?: string } | null {
  const prefix = startsWith(line, RECORD_PREFIX) ? RECORD_PREFIX : startsWith(line, VOID_PREFIX) ? VOID_PREFIX : null;
  if (prefix) {
    const end = line.indexOf(QUOTE, prefix.length);
    if (end > prefix.length && !line.subarray(prefix.length, end).includes(BACKSLASH)) {
      const id = line.toString("utf8", prefix.length, end);
      return prefix === RECORD_PREFIX ? { id } : { void: id };
    }
  }
  return line.length > 0 ? parsedLine(line.toString("utf8")) : null;
}

/**
 * Which of `ids` usage_records holds. `= any(array(...))` makes the ids one array, probed in each partition's
 * primary-key index. Written as `id in (select ...)`, the planner hashed them and scanned the whole table for
 * every 1,000 ids wherever a partition had no statistics yet (a month's new partition, or autovacuum off):
 * 445 ms per 1,000 ids at 1.4 million rows, so minutes of PostgreSQL CPU per segment on a busy hub.
 */
export function storedIdsQuery(ids: string[]): SQL {
  return sql`select id from usage_records where id = any(array(select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)))`;
}

export interface UsageJournal {
  /** Resolves once `json` (a settled record) is on disk; never rejects (a disk error is logged). */
  append(json: string): Promise<void>;
  /** Marks a journaled record void: its settle failed, so its call was answered 503 and is not charged. */
  void(id: string): Promise<void>;
  /** Closes the open segment and reconciles every closed one now (tests, shutdown); returns records stored. */
  reconcileNow(): Promise<number>;
  close(): Promise<void>;
}

export interface UsageJournalOptions {
  log: Logger;
  /** How long a closed segment waits before it is reconciled; segments also rotate every fifth of it (≤ 60 s). */
  reconcileAfterMs?: number;
  /**
   * 0: every group is fdatasync'ed before its appends resolve (a record survives the hub's machine losing power).
   * Otherwise appends resolve once written (in the kernel: a killed hub loses nothing) and the segment is
   * fdatasync'ed at most this often while records arrive, and when it rotates or closes.
   */
  syncMs?: number;
}

interface Segment {
  path: string;
  closedAt: number;
}

const SEGMENT = /^usage-(\d+)-[a-z0-9]+-\d+\.jsonl$/;
const MAX_SEGMENT_BYTES = 64 * 1024 * 1024;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Opens the journal in `dir` (created if missing) and starts its rotate-and-reconcile timer. */
export async function openUsageJournal(dir: string, db: Db, options: UsageJournalOptions): Promise<UsageJournal> {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new Error(`Cannot open the usage journal in ${dir}: ${(error as Error).message}. Set DATA_DIR to a writable directory, or USAGE_JOURNAL=off.`);
  }
  const { log } = options;
  const reconcileAfterMs = options.reconcileAfterMs ?? 5 * 60_000;
  const rotateMs = Math.min(60_000, Math.max(20, Math.floor(reconcileAfterMs / 5)));
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const closed: Segment[] = [];
  let seq = 0;
  // Segments of hubs no longer alive (this process's pid too: a restart in a container reuses pid 1), each claimed
  // by a rename to this process's name: of hubs starting together (WORKERS > 1) one takes it, the others find it gone.
  for (const name of readdirSync(dir)) {
    const pid = Number(SEGMENT.exec(name)?.[1] ?? 0);
    if (!pid || (pid !== process.pid && isAlive(pid))) continue;
    const mine = join(dir, `usage-${process.pid}-${run}-${seq++}.jsonl`);
    try {
      renameSync(join(dir, name), mine);
      closed.push({ path: mine, closedAt: 0 });
    } catch (error) {
      if ((error as { code?: string }).code !== "ENOENT") throw error;
    }
  }
  let current: { path: string; handle: Awaited<ReturnType<typeof open>>; openedAt: number; bytes: number } | null = null;
  let lastError = 0;
  const warn = (message: string, error: unknown) => {
    if (Date.now() - lastError > 5_000) log.error(message, { error });
    lastError = Date.now();
  };

  // Writes, rotations and reconciliation of the open segment run one at a time.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn);
    chain = next.catch(() => {});
    return next;
  };

  // Written since the last fdatasync (interval mode).
  let unsynced = false;
  const rotate = async () => {
    if (!current) return;
    const done = current;
    current = null;
    if (unsynced) await done.handle.datasync();
    unsynced = false;
    await done.handle.close();
    closed.push({ path: done.path, closedAt: Date.now() });
  };

  const syncMs = options.syncMs ?? 0;
  // Group commit: the lines appended in one event-loop turn (and whatever queued while the previous group was
  // written) go in one write (and, with syncMs 0, one fdatasync). The write is synchronous: a write into the page
  // cache costs ~2 µs of this thread, where the promise API's round trip through the thread pool cost ~18 µs.
  const writeLines = createBatcher(async (lines: string[]) => {
    await serial(async () => {
      if (current && (Date.now() - current.openedAt > rotateMs || current.bytes > MAX_SEGMENT_BYTES)) await rotate();
      if (!current) {
        const path = join(dir, `usage-${process.pid}-${run}-${seq++}.jsonl`);
        current = { path, handle: await open(path, "a"), openedAt: Date.now(), bytes: 0 };
      }
      const text = `${lines.join("\n")}\n`;
      const bytes = Buffer.from(text);
      for (let at = 0; at < bytes.length;) at += writeSync(current.handle.fd, bytes, at);
      if (syncMs === 0) await current.handle.datasync();
      else unsynced = true;
      current.bytes += bytes.length;
    });
    return lines.map(() => undefined);
  }, 1000, { gather: nextTurn });
  const append = (line: string) => writeLines(line).catch((error) => warn("usage journal write failed; records rely on the Redis stream alone", error));

  /** Stores `lines` (whole records); one the database refuses is logged and set aside, the rest still stored. */
  const storeLines = async (lines: string[]): Promise<void> => {
    try {
      await writeUsageBatch(db, lines);
    } catch (error) {
      await db.execute(sql`select 1`).catch(() => {
        throw error;
      });
      for (const line of lines) await writeUsageBatch(db, [line]).catch((single) => log.error("journaled usage record refused by the database; set aside", { error: single, record: line.slice(0, 500) }));
    }
  };

  /**
   * Stores the records of `path` that usage_records lacks (voided ones excepted), then deletes the file. The
   * segment is streamed twice: its ids first (a void mark may follow its record), then, only if the database
   * lacks some, those records' lines. Read at once, a 70 MB segment stalled the event loop for 156–229 ms and
   * grew the process by 195–213 MB (bench/journal_bench.ts); streamed, 20–55 ms (a collection) and 76–108 MB.
   */
  const reconcile = async (path: string): Promise<number> => {
    const ids = new Set<string>();
    const voided = new Set<string>();
    for await (const lines of segmentLines(path)) {
      for (const line of lines) {
        const mark = markOf(line);
        if (mark?.void) voided.add(mark.void);
        else if (mark?.id) ids.add(mark.id);
      }
    }
    for (const id of voided) ids.delete(id);
    const missing = new Set<string>();
    const all = [...ids];
    for (let i = 0; i < all.length; i += 1000) {
      const chunk = all.slice(i, i + 1000);
      const present = new Set(rowsOf<{ id: string }>(await db.execute(storedIdsQuery(chunk))).map((r) => r.id));
      for (const id of chunk) if (!present.has(id)) missing.add(id);
    }
    let stored = 0;
    if (missing.size > 0) {
      let batch: string[] = [];
      for await (const lines of segmentLines(path)) {
        for (const line of lines) {
          const id = markOf(line)?.id;
          if (!id || !missing.has(id)) continue;
          // A torn line is not JSON: it is skipped (an id is stored from its first whole line).
          const text = line.toString("utf8");
          if (parsedLine(text) === null) continue;
          missing.delete(id);
          batch.push(text);
          if (batch.length === 1000) {
            await storeLines(batch);
            stored += batch.length;
            batch = [];
          }
        }
      }
      if (batch.length > 0) await storeLines(batch);
      stored += batch.length;
    }
    if (stored > 0) log.warn("usage records recovered from the journal", { stored, segment: path });
    await unlink(path);
    return stored;
  };

  // One reconciliation at a time (the timer's and a shutdown's must not both take a segment).
  let reconciling: Promise<unknown> = Promise.resolve();
  const reconcileDue = (all: boolean): Promise<number> => {
    const next = reconciling.then(() => reconcileSegments(all));
    reconciling = next.catch(() => {});
    return next;
  };
  const reconcileSegments = async (all: boolean) => {
    let stored = 0;
    const now = Date.now();
    for (const segment of [...closed]) {
      if (!all && now - segment.closedAt < reconcileAfterMs) continue;
      stored += await reconcile(segment.path);
      closed.splice(closed.indexOf(segment), 1);
    }
    return stored;
  };

  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      await serial(async () => {
        if (current && Date.now() - current.openedAt > rotateMs) await rotate();
      });
      await reconcileDue(false);
    } catch (error) {
      warn("usage journal reconcile failed; will retry", error);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(tick, rotateMs);
  timer.unref?.();
  void tick();
  // Interval mode: one fdatasync per interval covers every group written in it.
  const syncTimer = syncMs > 0 ? setInterval(() => {
    if (!unsynced) return;
    void serial(async () => {
      if (!current || !unsynced) return;
      unsynced = false;
      await current.handle.datasync().catch((error) => {
        unsynced = true;
        throw error;
      });
    }).catch((error) => warn("usage journal fdatasync failed; will retry", error));
  }, syncMs) : null;
  syncTimer?.unref?.();

  return {
    append,
    void: (id) => append(JSON.stringify({ void: id })),
    async reconcileNow() {
      await serial(rotate);
      return await reconcileDue(true);
    },
    async close() {
      clearInterval(timer);
      if (syncTimer) clearInterval(syncTimer);
      await serial(rotate);
      // A clean stop leaves nothing behind when the database answers; otherwise the next start replays it.
      await reconcileDue(true).catch((error) => warn("usage journal reconcile at shutdown failed; the next start replays it", error));
    },
  };
}
