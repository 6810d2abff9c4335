// Moves usage records from the Redis stream into the database in batches; any instance may take over a dead one's.
import type { Db } from "../db/mod.ts";
import type { Logger } from "../log.ts";
import { isCluster, type Redis, redisKeys } from "../redis/mod.ts";
import { sql } from "drizzle-orm";
import { writeUsageBatch } from "./store.ts";

const GROUP = "flushers";

export interface UsageFlusher {
  /** Flushes until the stream has nothing this consumer can read (tests and shutdown). */
  flushNow(): Promise<number>;
  /** Records in the stream, so not yet in the database (every instance's), and the oldest one's age in seconds. */
  pending(): Promise<{ records: number; oldestAgeSeconds: number }>;
  stop(): Promise<void>;
}

type Message = { id: string; message: Record<string, string> };

/**
 * The records of a stream entry as JSON texts joined by commas, never parsed: a batch entry {n, b} holds a
 * settle batch's records as one JSON array; entries written before batching hold one record {r}.
 */
function recordsText(m: Message): string {
  return m.message.b !== undefined ? m.message.b.slice(1, -1) : m.message.r!;
}

/** How many records a stream entry holds. */
const recordCount = (m: Message) => (m.message.b !== undefined ? Number(m.message.n) : 1);

/** Up to this many entries per stream are read to count the pending records; beyond, the count is extrapolated. */
const PENDING_SAMPLE = 200;

/**
 * Starts a flusher loop on its own Redis connection (blocking reads must not stall the hot path). On a cluster it
 * reads every user shard's stream: the reads of a round go out together, so node-redis pipelines them per master.
 */
export async function startUsageFlusher(redis: Redis, db: Db, options: { consumer: string; log: Logger; prefix: string; batch?: number; claimIdleMs?: number; pauseMs?: number }): Promise<UsageFlusher> {
  const clustered = isCluster(redis);
  const STREAMS = redisKeys(options.prefix, { cluster: clustered }).usageStreams;
  const reader = redis.duplicate();
  reader.on("error", () => {});
  await reader.connect();
  const batch = options.batch ?? 2000;
  // A round reads about `batch` records in all, spread over the streams.
  const perStream = Math.max(16, Math.ceil(batch / STREAMS.length));
  const claimIdleMs = options.claimIdleMs ?? 15_000;
  let stopped = false;
  let lastClaim = 0;
  // The loop's pauses end early when the flusher stops: a long USAGE_FLUSH_PAUSE_MS must not hold up a shutdown.
  let wake: (() => void) | null = null;
  const pause = (ms: number) => new Promise<void>((resolve) => {
    if (stopped) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      wake = null;
      resolve();
    }
    wake = done;
  });

  const ensureGroup = async () => {
    await Promise.all(STREAMS.map(async (stream) => {
      try {
        await reader.xGroupCreate(stream, GROUP, "0", { MKSTREAM: true });
      } catch (error) {
        if (!String((error as Error).message).includes("BUSYGROUP")) throw error;
      }
    }));
  };

  const store = async (read: Array<{ stream: string; messages: Message[] }>) => {
    const messages = read.flatMap((r) => r.messages);
    if (messages.length === 0) return 0;
    // The entries hold the records' JSON text (a settle batch's as one array): it goes to PostgreSQL as is, never parsed here.
    try {
      await writeUsageBatch(db, messages.map(recordsText).filter(Boolean));
    } catch (error) {
      await writeOneByOne(messages, error);
    }
    // Issued together, so node-redis pipelines them (per master on a cluster).
    await Promise.all(read.filter((r) => r.messages.length > 0).flatMap(({ stream, messages }) => {
      const ids = messages.map((m) => m.id);
      return [reader.xAck(stream, GROUP, ids), reader.xDel(stream, ids)];
    }));
    return messages.length;
  };

  const replyMessages = (reply: unknown) => ((reply as Array<{ messages: Message[] }> | null)?.[0]?.messages ?? []) as Message[];

  /** Reads every stream at once with `read`, then stores what came back as one batch. */
  const readAll = async (read: (stream: string) => Promise<Message[]>) =>
    await store(await Promise.all(STREAMS.map(async (stream) => ({ stream, messages: await read(stream) }))));

  // A batch the database refused: while the database answers, one bad record must not hold back the rest,
  // so records are retried one by one and one that still fails is logged and set aside. If the database
  // does not answer, nothing is acknowledged and the whole batch is retried later.
  const writeOneByOne = async (messages: Message[], batchError: unknown) => {
    await db.execute(sql`select 1`).catch(() => {
      throw batchError;
    });
    for (const m of messages) {
      const records = m.message.b !== undefined ? (JSON.parse(m.message.b) as unknown[]).map((r) => JSON.stringify(r)) : [m.message.r!];
      for (const record of records) {
        try {
          await writeUsageBatch(db, [record]);
        } catch (error) {
          options.log.error("usage record refused by the database; set aside", { error, stream_id: m.id, record: record.slice(0, 500) });
        }
      }
    }
  };

  // Records a crashed instance read but never stored stay pending; after claimIdleMs anyone claims them.
  const claimAbandoned = () => readAll(async (stream) => {
    const reply = await reader.xAutoClaim(stream, GROUP, options.consumer, claimIdleMs, "0-0", { COUNT: perStream });
    return (reply.messages ?? []).filter((m): m is Message => m !== null) as Message[];
  });

  // A single Redis: one blocking read of every stream waits for records. A cluster (streams on several nodes):
  // one non-blocking read each, then a pause if all were empty; a full read from any stream means more are waiting.
  const readOnce = async (blockMs: number) => {
    if (!clustered) {
      const reply = (await reader.xReadGroup(GROUP, options.consumer, STREAMS.map((key) => ({ key, id: ">" })), { COUNT: batch, BLOCK: blockMs })) as Array<{ name: string; messages: Message[] }> | null;
      return await store((reply ?? []).map((r) => ({ stream: r.name, messages: r.messages })));
    }
    const n = await readAll(async (stream) => replyMessages(await reader.xReadGroup(GROUP, options.consumer, { key: stream, id: ">" }, { COUNT: perStream })));
    if (n === 0 && blockMs > 1) await pause(blockMs);
    return n;
  };

  // Our own pending entries (read, then the write failed) are retried first.
  const retryOwn = () => readAll(async (stream) => replyMessages(await reader.xReadGroup(GROUP, options.consumer, { key: stream, id: "0" }, { COUNT: perStream })));

  await ensureGroup();
  // After a failed write our own pending entries are retried first; otherwise only new ones are read.
  let retryPending = true;
  const loop = (async () => {
    while (!stopped) {
      try {
        if (retryPending) {
          await retryOwn();
          retryPending = false;
        }
        if (Date.now() - lastClaim > claimIdleMs / 3) {
          lastClaim = Date.now();
          await claimAbandoned();
        }
        const n = await readOnce(200);
        // A part-full batch means the stream is drained: pause briefly so the next batch is bigger.
        if (n > 0 && n < (clustered ? perStream : batch)) await pause(options.pauseMs ?? 200);
      } catch (error) {
        if (stopped) break;
        retryPending = true;
        options.log.warn("usage flush failed; will retry", { error });
        if (String((error as Error).message).includes("NOGROUP")) await ensureGroup().catch(() => {});
        await pause(500);
      }
    }
  })();

  return {
    async flushNow() {
      let total = 0;
      let regrouped = false;
      for (;;) {
        let n: number;
        try {
          n = (await retryOwn()) + (await readOnce(1));
        } catch (error) {
          // Redis lost its data (restart without persistence, flush): the streams and their group come back empty.
          if (regrouped || !String((error as Error).message).includes("NOGROUP")) throw error;
          regrouped = true;
          await ensureGroup();
          continue;
        }
        total += n;
        if (n === 0) return total;
      }
    },
    async pending() {
      // On the shared client, not the reader: the reader may sit in a blocking XREADGROUP. Stored records are
      // deleted from the streams, so what they hold is still to store, and their first ids the oldest's time.
      // Entries hold a batch each: counted exactly up to PENDING_SAMPLE entries per stream, extrapolated beyond.
      const streams = await Promise.all(STREAMS.map(async (stream) => {
        const [length, range] = await Promise.all([redis.xLen(stream), redis.xRange(stream, "-", "+", { COUNT: PENDING_SAMPLE })]);
        const head = (range ?? []).filter((entry) => entry !== null) as Message[];
        const sampled = head.reduce((sum, entry) => sum + recordCount(entry), 0);
        return { records: length <= head.length ? sampled : Math.round((sampled / head.length) * length), first: head[0]?.id };
      }));
      const records = streams.reduce((sum, s) => sum + s.records, 0);
      const since = Math.min(...streams.map((s) => (s.first ? Number(s.first.split("-")[0]) : Infinity)));
      return { records, oldestAgeSeconds: records > 0 && Number.isFinite(since) ? Math.max(0, Date.now() - since) / 1000 : 0 };
    },
    async stop() {
      stopped = true;
      wake?.();
      await loop;
      // One last pass so a graceful shutdown leaves nothing of its own pending.
      try {
        await retryOwn();
      } catch {}
      await reader.close().catch(() => {});
    },
  };
}
