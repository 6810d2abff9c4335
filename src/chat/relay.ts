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
  /**
   * True when `onEvent` passes plain events (no usage, error or [DONE]) on unchanged and `onComment` passes
   * comments on: a chunk of whole lines holding only such events then goes out as the bytes that came.
   */
  passesPlainEvents?(): boolean;
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
export function contentLength(payload: string, from = 0): number {
  const start = payload.indexOf('"content":"', from);
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

/**
 * The summed delta content length of `text`, whole lines of events holding no usage, error or [DONE]
 * (plainEventsEnd's part), or -1 if a line is neither an event with one content (or none), a comment nor blank.
 */
function plainContentLength(text: string): number {
  let n = 0;
  for (let at = 0; at < text.length;) {
    const next = text.indexOf("\n", at) + 1 || text.length;
    const c = text.charCodeAt(at);
    if (c === 100 && text.startsWith("data:", at)) {
      const first = text.indexOf('"content":"', at);
      if (first >= 0 && first < next) {
        // A second content in one event (several choices) is counted by parsing, on the line path.
        const second = text.indexOf('"content":"', first + 11);
        if (second >= 0 && second < next) return -1;
        n += contentLength(text, first);
      }
    } else if (c !== 58 && c !== 10) {
      return -1;
    }
    at = next;
  }
  return n;
}

/**
 * Where the leading whole events of `text` before any usage, error, [DONE] or CR end (just after a blank line),
 * or 0: the part a relay passing plain events on may send as it came.
 */
function plainEventsEnd(text: string): number {
  let first = text.length;
  for (const marker of ['"usage"', '"error"', "[DONE]", "\r"]) {
    const at = text.indexOf(marker);
    if (at >= 0 && at < first) first = at;
  }
  if (first === text.length && text.endsWith("\n\n")) return text.length;
  const blank = text.lastIndexOf("\n\n", first - 2);
  return blank < 0 ? 0 : blank + 2;
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

  // Walks the complete lines in place and keeps only the unfinished tail (one slice per line, none per
  // remainder; a CR before the LF is dropped).
  const drainLines = (): string => {
    let out = "";
    let start = 0;
    let index;
    while ((index = buffer.indexOf("\n", start)) >= 0) {
      const end = index > start && buffer.charCodeAt(index - 1) === 13 ? index - 1 : index;
      if (end > start) out += handleLine(buffer.slice(start, end));
      start = index + 1;
    }
    if (start > 0) buffer = buffer.slice(start);
    return out;
  };

  return pullStream(upstream, {
    onChunk: () => hooks.onChunk(),
    take(text, raw) {
      // Whole plain events at the head of a chunk (nothing held over) go out as they came: no line is split,
      // rebuilt or encoded again. What follows them (usage, errors, [DONE], other lines, a split event) takes
      // the line-by-line path. The head ends at a blank line, so no event is cut in two.
      if (buffer === "" && hooks.passesPlainEvents?.()) {
        const end = plainEventsEnd(text);
        const head = end === text.length ? text : text.slice(0, end);
        const chars = end > 0 ? plainContentLength(head) : -1;
        if (chars >= 0) {
          observation.completionChars += chars;
          if (end === text.length) return raw;
          buffer = text.slice(end);
          return head + drainLines();
        }
      }
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
