// Relays an upstream SSE stream event by event (never buffering a whole reply) while observing usage.
import { pullStream } from "./pull_stream.ts";

export interface StreamObservation {
  usage: { prompt_tokens: number; completion_tokens: number } | null;
  completionChars: number;
  /** Text of the reply so far (for the seed route and estimates). */
  sawDone: boolean;
  upstreamError: string | null;
}

export interface RelayHooks {
  /** Whether an event must be parsed (to rename, translate or read usage); others are counted cheaply. */
  mustParse(payload: string): boolean;
  /** Output (already SSE-encoded) for one upstream `data:` event; [DONE] never reaches it. */
  onEvent(payload: string, parsed: Record<string, unknown> | null): string;
  /** Output for an upstream comment line (keep-alives). */
  onComment(line: string): string;
  /** Called once when the upstream ends or fails; returns the closing output. */
  onEnd(end: "done" | "truncated" | "failed", observation: StreamObservation, error: unknown): Promise<string>;
  /** Called once if the client goes away first. */
  onCancel(observation: StreamObservation): Promise<void>;
  /** Called on every upstream chunk (restarts the idle timer). */
  onChunk(): void;
}

/** Reads usage and text from one parsed event into the observation. */
function observe(parsed: Record<string, unknown>, observation: StreamObservation): void {
  const usage = parsed.usage as { prompt_tokens?: number; completion_tokens?: number } | undefined;
  if (usage && typeof usage.prompt_tokens === "number") {
    observation.usage = { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens ?? 0 };
  }
  if (parsed.error) {
    const e = parsed.error as { message?: string } | string;
    observation.upstreamError = typeof e === "string" ? e : e.message ?? "error event";
  }
  const choices = parsed.choices as Array<{ delta?: { content?: unknown } }> | undefined;
  if (Array.isArray(choices)) {
    for (const c of choices) if (typeof c.delta?.content === "string") observation.completionChars += c.delta.content.length;
  }
}

/** The length of a chunk's delta content, read without parsing it (escapes count as one character). */
export function contentLength(payload: string): number {
  const start = payload.indexOf('"content":"');
  if (start < 0) return 0;
  let n = 0;
  for (let i = start + 11; i < payload.length; i++) {
    const c = payload.charCodeAt(i);
    if (c === 34) break;
    if (c === 92) i++;
    n++;
  }
  return n;
}

/** A stream that forwards each complete SSE line of `upstream` as soon as it arrives. */
export function relaySse(upstream: ReadableStream<Uint8Array>, hooks: RelayHooks): ReadableStream<Uint8Array> {
  const observation: StreamObservation = { usage: null, completionChars: 0, sawDone: false, upstreamError: null };
  let buffer = "";

  const handleLine = (line: string): string => {
    if (line.startsWith("data:")) {
      const payload = line.slice(5).trimStart();
      if (payload === "[DONE]") {
        observation.sawDone = true;
        return "";
      }
      let parsed: Record<string, unknown> | null = null;
      // Usage and errors always come in parsed events; plain deltas only add to the estimate's count.
      if (hooks.mustParse(payload) || payload.includes('"usage"') || payload.includes('"error"')) {
        try {
          parsed = JSON.parse(payload);
        } catch {}
        if (parsed) observe(parsed, observation);
      } else {
        observation.completionChars += contentLength(payload);
      }
      return hooks.onEvent(payload, parsed);
    }
    if (line.startsWith(":")) return hooks.onComment(line);
    return "";
  };

  const drainLines = (): string => {
    let out = "";
    let index;
    while ((index = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, index).replace(/\r$/, "");
      buffer = buffer.slice(index + 1);
      if (line) out += handleLine(line);
    }
    return out;
  };

  return pullStream(upstream, {
    onChunk: () => hooks.onChunk(),
    take(text) {
      buffer += text;
      return drainLines();
    },
    async finish(error) {
      let tail = buffer.trim() ? handleLine(buffer.trim()) : "";
      buffer = "";
      let end: "done" | "truncated" | "failed" = error === null ? "done" : "failed";
      if (end === "done" && !observation.sawDone) end = "truncated";
      if (end === "done" && observation.upstreamError) end = "failed";
      tail += await hooks.onEnd(end, observation, error);
      return tail;
    },
    cancel: () => hooks.onCancel(observation),
  });
}
