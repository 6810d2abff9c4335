// Batches usage records into one transaction per flush; each caller waits until its record is committed.
import type { UsageRecord } from "../limits/mod.ts";

export interface GroupCommitWriter {
  /** Resolves once `record` is committed (so a response can end only after its record is durable). */
  write(record: UsageRecord): Promise<void>;
  /** Waits for everything queued so far. */
  drain(): Promise<void>;
}

/** Creates a writer that commits whatever queued while the previous commit ran, up to `maxBatch` at once. */
export function createGroupCommitWriter(commit: (records: UsageRecord[]) => Promise<unknown>, options: { maxBatch?: number; onError?: (error: unknown) => void } = {}): GroupCommitWriter {
  const maxBatch = options.maxBatch ?? 1000;
  let queue: Array<{ record: UsageRecord; resolve: () => void; reject: (error: unknown) => void }> = [];
  let running: Promise<void> | null = null;

  const run = async () => {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        await commit(batch.map((b) => b.record));
        for (const b of batch) b.resolve();
      } catch (error) {
        if (batch.length === 1) {
          options.onError?.(error);
          batch[0]!.reject(error);
          continue;
        }
        // One bad record must not fail the calls it shared a transaction with: retry them one by one.
        for (const b of batch) {
          try {
            await commit([b.record]);
            b.resolve();
          } catch (single) {
            options.onError?.(single);
            b.reject(single);
          }
        }
      }
    }
    running = null;
  };

  return {
    write(record) {
      const done = new Promise<void>((resolve, reject) => queue.push({ record, resolve, reject }));
      running ??= Promise.resolve().then(run);
      return done;
    },
    async drain() {
      while (running) await running;
    },
  };
}
