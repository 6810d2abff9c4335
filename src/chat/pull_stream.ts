// The pull loop both SSE relays share: read the upstream, hand each decoded chunk on, send what comes back.

const encoder = new TextEncoder();

export interface PullHooks {
  /** Called on every upstream chunk (restarts the idle timer). */
  onChunk(): void;
  /** Takes one decoded chunk (`raw`: its bytes); returns what to send now ("" for nothing yet; `raw` as it came). */
  take(text: string, raw: Uint8Array): string | Uint8Array;
  /** Called once when the upstream ends (`error` null) or fails; returns the closing output. */
  finish(error: unknown): Promise<string>;
  /** Called once if the client goes away first. */
  cancel(): Promise<void>;
}

/** A stream that pulls `upstream` only as fast as the client reads, never buffering a whole reply. */
export function pullStream(upstream: ReadableStream<Uint8Array>, hooks: PullHooks): ReadableStream<Uint8Array> {
  const reader = upstream.getReader();
  const decoder = new TextDecoder();
  let finished = false;

  const finish = async (controller: ReadableStreamDefaultController<Uint8Array>, error: unknown) => {
    if (finished) return;
    finished = true;
    const tail = await hooks.finish(error);
    try {
      if (tail) controller.enqueue(encoder.encode(tail));
      controller.close();
    } catch {}
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      // Keep reading until there is something to send: a pull that enqueues nothing is not called again.
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return await finish(controller, null);
          hooks.onChunk();
          const out = hooks.take(decoder.decode(value, { stream: true }), value);
          if (typeof out !== "string") return controller.enqueue(out);
          if (out) return controller.enqueue(encoder.encode(out));
        }
      } catch (error) {
        await finish(controller, error ?? new Error("stream failed"));
      }
    },
    async cancel() {
      if (finished) return;
      finished = true;
      await reader.cancel().catch(() => {});
      await hooks.cancel();
    },
  }, { highWaterMark: 0 });
}
