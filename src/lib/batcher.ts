// Group commit: while one batch is in flight, calls queue up and go together in the next.
// A lone call goes at once (no added latency); under load one round trip and one statement serve many calls.

export interface BatcherOptions {
  /**
   * Waited for before each batch is taken. A writer whose `run` holds the thread (PGlite executes on it) must
   * let pending I/O queue its items first, or every batch is the one item that started it.
   */
  gather?: () => Promise<void>;
}

/** Resolves after the event loop has handled the I/O events already pending (one macrotask turn). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Returns a function that runs `item` as part of the next batch given to `run` (results in the same order). */
export function createBatcher<T, R>(run: (items: T[]) => Promise<R[]>, maxBatch = 256, options: BatcherOptions = {}): (item: T) => Promise<R> {
  let queue: Array<{ item: T; resolve: (result: R) => void; reject: (error: unknown) => void }> = [];
  let running = false;
  const pump = async () => {
    running = true;
    while (queue.length > 0) {
      if (options.gather) await options.gather();
      const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
      queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
      try {
        const results = await run(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(results[i]!));
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    }
    running = false;
  };
  return (item) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!running) void pump();
    });
}
