// The pull loop both SSE relays share: read the upstream, hand each decoded chunk on, send what comes back.

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

/**
 * A stream that pulls `upstream` only as fast as the client reads, never buffering a whole reply. It is one of
 * Bun's direct streams: what `take` returns is written to the response as it is (a string is not encoded first,
 * nothing is queued or copied), and each write waits while the client is behind.
 */
export function pullStream(upstream: ReadableStream<Uint8Array>, hooks: PullHooks): ReadableStream<Uint8Array> {
  const reader = upstream.getReader();
  const decoder = new TextDecoder();
  let finished = false;

  const source: Bun.DirectUnderlyingSource<Uint8Array> = {
    type: "direct",
    async pull(controller) {
      if (finished) return;
      let failure: unknown = null;
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          hooks.onChunk();
          const out = hooks.take(decoder.decode(value, { stream: true }), value);
          if (out.length === 0) continue;
          // Bun's sink sends what was written when this loop next waits: no flush per chunk.
          const written = controller.write(out);
          if (typeof written !== "number") await written;
        }
      } catch (error) {
        failure = error ?? new Error("stream failed");
      }
      if (finished) return;
      finished = true;
      const tail = await hooks.finish(failure);
      try {
        if (tail) controller.write(tail);
        controller.close();
      } catch {}
    },
    async cancel() {
      if (finished) return;
      finished = true;
      await reader.cancel().catch(() => {});
      await hooks.cancel();
    },
  };
  // The DOM library's ReadableStream type (this project's tsconfig) does not know Bun's direct sources.
  return new ReadableStream(source as unknown as UnderlyingDefaultSource<Uint8Array>);
}
