// Batches usage records into one transaction per flush; each caller waits until its record is committed.
import { createBatcher, nextTurn } from "../lib/mod.ts";
import type { UsageRecord } from "./record.ts";

export interface GroupCommitWriter {
  /** Resolves once `record` is committed (so a response can end only after its record is durable). */
  write(record: UsageRecord): Promise<void>;
  /** Waits for everything queued so far. */
  drain(): Promise<void>;
  /** Records written but not yet committed, and the oldest one's age in seconds (0 when none). */
  pending(): { records: number; oldestAgeSeconds: number };
}

/**
 * Creates a writer that commits, up to `maxBatch` at once, whatever queued while the previous commit ran plus
 * what the I/O events pending at that moment add (`gather`, one event-loop turn by default).
 */
export function createGroupCommitWriter(commit: (records: UsageRecord[]) => Promise<unknown>, options: { maxBatch?: number; gather?: () => Promise<void>; onError?: (error: unknown) => void } = {}): GroupCommitWriter {
  // Each record's outcome is a value, so one bad record fails only its own call.
  const commitBatch = createBatcher(async (records: UsageRecord[]): Promise<Array<unknown | null>> => {
    try {
      await commit(records);
      return records.map(() => null);
    } catch (error) {
      if (records.length === 1) return [error];
      // One bad record must not fail the calls it shared a transaction with: retry them one by one.
      const outcomes: Array<unknown | null> = [];
      for (const record of records) outcomes.push(await commit([record]).then(() => null, (single) => single));
      return outcomes;
    }
  }, options.maxBatch ?? 1000, { gather: options.gather ?? nextTurn });
  // Each write in flight, with when it was queued: insertion order, so the first entry is the oldest.
  const inFlight = new Map<Promise<void>, number>();

  return {
    write(record) {
      const done = commitBatch(record).then((error) => {
        if (error === null) return;
        options.onError?.(error);
        throw error;
      });
      const tracked = done.catch(() => {}).finally(() => inFlight.delete(tracked));
      inFlight.set(tracked, performance.now());
      return done;
    },
    async drain() {
      while (inFlight.size > 0) await Promise.all(inFlight.keys());
    },
    pending() {
      const oldest = inFlight.values().next().value;
      return { records: inFlight.size, oldestAgeSeconds: oldest === undefined ? 0 : (performance.now() - oldest) / 1000 };
    },
  };
}
