// Group commit for Redis calls: while one batch is in flight, calls queue up and go together in the next.
// A lone call goes at once (no added latency); under load one round trip and one script serve many calls.

/** Returns a function that runs `item` as part of the next batch given to `run` (results in the same order). */
export function createBatcher<T, R>(run: (items: T[]) => Promise<R[]>, maxBatch = 256): (item: T) => Promise<R> {
  let queue: Array<{ item: T; resolve: (result: R) => void; reject: (error: unknown) => void }> = [];
  let running = false;
  const pump = async () => {
    running = true;
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
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
