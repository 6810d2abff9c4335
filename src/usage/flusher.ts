// Moves usage records from the Redis stream into the database in batches; any instance may take over a dead one's.
import type { Db } from "../db/mod.ts";
import type { Logger } from "../log.ts";
import { type Redis, redisKeys } from "../redis/mod.ts";
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

/** Starts a flusher loop on its own Redis connection (blocking reads must not stall the hot path). */
export async function startUsageFlusher(redis: Redis, db: Db, options: { consumer: string; log: Logger; prefix: string; batch?: number; claimIdleMs?: number; pauseMs?: number }): Promise<UsageFlusher> {
  const USAGE_STREAM = redisKeys(options.prefix).usageStream;
  const reader = redis.duplicate();
  reader.on("error", () => {});
  await reader.connect();
  const batch = options.batch ?? 2000;
  const claimIdleMs = options.claimIdleMs ?? 15_000;
  let stopped = false;
  let lastClaim = 0;

  const ensureGroup = async () => {
    try {
      await reader.xGroupCreate(USAGE_STREAM, GROUP, "0", { MKSTREAM: true });
    } catch (error) {
      if (!String((error as Error).message).includes("BUSYGROUP")) throw error;
    }
  };

  const store = async (messages: Message[]) => {
    if (messages.length === 0) return 0;
    // The stream holds each record's JSON text: it goes to PostgreSQL as is, never parsed here.
    try {
      await writeUsageBatch(db, messages.map((m) => m.message.r!));
    } catch (error) {
      await writeOneByOne(messages, error);
    }
    const ids = messages.map((m) => m.id);
    // Issued together, so node-redis pipelines them into one round trip.
    await Promise.all([reader.xAck(USAGE_STREAM, GROUP, ids), reader.xDel(USAGE_STREAM, ids)]);
    return messages.length;
  };

  // A batch the database refused: while the database answers, one bad record must not hold back the rest,
  // so records are retried one by one and one that still fails is logged and set aside. If the database
  // does not answer, nothing is acknowledged and the whole batch is retried later.
  const writeOneByOne = async (messages: Message[], batchError: unknown) => {
    await db.execute(sql`select 1`).catch(() => {
      throw batchError;
    });
    for (const m of messages) {
      try {
        await writeUsageBatch(db, [m.message.r!]);
      } catch (error) {
        options.log.error("usage record refused by the database; set aside", { error, stream_id: m.id, record: m.message.r!.slice(0, 500) });
      }
    }
  };

  // Records a crashed instance read but never stored stay pending; after claimIdleMs anyone claims them.
  const claimAbandoned = async () => {
    const reply = await reader.xAutoClaim(USAGE_STREAM, GROUP, options.consumer, claimIdleMs, "0-0", { COUNT: batch });
    return await store((reply.messages ?? []).filter((m): m is Message => m !== null) as Message[]);
  };

  const readOnce = async (blockMs: number) => {
    const reply = await reader.xReadGroup(GROUP, options.consumer, { key: USAGE_STREAM, id: ">" }, { COUNT: batch, BLOCK: blockMs });
    const messages = ((reply as Array<{ messages: Message[] }> | null)?.[0]?.messages ?? []) as Message[];
    return await store(messages);
  };

  // Our own pending entries (read, then the write failed) are retried first.
  const retryOwn = async () => {
    const reply = await reader.xReadGroup(GROUP, options.consumer, { key: USAGE_STREAM, id: "0" }, { COUNT: batch });
    const messages = ((reply as Array<{ messages: Message[] }> | null)?.[0]?.messages ?? []) as Message[];
    return await store(messages);
  };

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
        if (n > 0 && n < batch) await Bun.sleep(options.pauseMs ?? 200);
      } catch (error) {
        if (stopped) break;
        retryPending = true;
        options.log.warn("usage flush failed; will retry", { error });
        if (String((error as Error).message).includes("NOGROUP")) await ensureGroup().catch(() => {});
        await Bun.sleep(500);
      }
    }
  })();

  return {
    async flushNow() {
      let total = 0;
      for (;;) {
        const n = (await retryOwn()) + (await readOnce(1));
        total += n;
        if (n === 0) return total;
      }
    },
    async pending() {
      // On the shared client, not the reader: the reader may sit in a blocking XREADGROUP. Stored records are
      // deleted from the stream, so its length is what is still to store, and its first id the oldest's time.
      const [records, first] = await Promise.all([redis.xLen(USAGE_STREAM), redis.xRange(USAGE_STREAM, "-", "+", { COUNT: 1 })]);
      const since = first?.[0] ? Number(first[0].id.split("-")[0]) : NaN;
      return { records, oldestAgeSeconds: records > 0 && Number.isFinite(since) ? Math.max(0, Date.now() - since) / 1000 : 0 };
    },
    async stop() {
      stopped = true;
      await loop;
      // One last pass so a graceful shutdown leaves nothing of its own pending.
      try {
        await retryOwn();
      } catch {}
      await reader.close().catch(() => {});
    },
  };
}
