// Relays a Responses event stream event by event, observing usage; the terminal event waits for the caller's say.
import { pullStream } from "./pull_stream.ts";
import { responsesUsageOf, type ResponsesUsage } from "./responses.ts";

export interface ResponsesObservation {
  usage: ResponsesUsage | null;
  /** Characters of output text so far (for an estimate when no usage came). */
  outputChars: number;
  /** The upstream's own failure (a response.failed or error event). */
  failed: string | null;
}

export interface ResponsesRelayHooks {
  /** The model id to show in response objects, when it differs from the upstream's. */
  rename: string | null;
  onChunk(): void;
  /**
   * Called once when the stream ends: after a response.completed / incomplete event (held back and passed in
   * `terminal`), after a failure, or cut short; returns the closing output.
   */
  onEnd(end: "completed" | "failed" | "truncated", observation: ResponsesObservation, terminal: string, error: unknown): Promise<string>;
  onCancel(observation: ResponsesObservation): Promise<void>;
}

const TERMINAL = new Set(["response.completed", "response.incomplete"]);

/** A stream forwarding each complete event of `upstream` as it arrives, untouched unless the model is renamed. */
export function relayResponses(upstream: ReadableStream<Uint8Array>, hooks: ResponsesRelayHooks): ReadableStream<Uint8Array> {
  const observation: ResponsesObservation = { usage: null, outputChars: 0, failed: null };
  let buffer = "";
  let terminal = "";

  const handleEvent = (block: string): string => {
    const dataLine = block.split("\n").find((l) => l.startsWith("data:"));
    if (!dataLine) return `${block}\n\n`;
    let parsed: { type?: string; delta?: unknown; response?: Record<string, unknown>; message?: string; error?: { message?: string } } | null = null;
    try {
      parsed = JSON.parse(dataLine.slice(5).trimStart());
    } catch {}
    if (!parsed) return `${block}\n\n`;
    if (parsed.type === "response.output_text.delta" && typeof parsed.delta === "string") observation.outputChars += parsed.delta.length;
    if (parsed.response) observation.usage = responsesUsageOf(parsed.response) ?? observation.usage;
    if (parsed.type === "response.failed") observation.failed = String((parsed.response?.error as { message?: string } | null)?.message ?? "response failed");
    if (parsed.type === "error") observation.failed = parsed.message ?? parsed.error?.message ?? "error event";
    let out = `${block}\n\n`;
    if (parsed.response && hooks.rename) {
      const event = { ...parsed, response: { ...parsed.response, model: hooks.rename } };
      out = block.split("\n").map((l) => (l === dataLine ? `data: ${JSON.stringify(event)}` : l)).join("\n") + "\n\n";
    }
    if (parsed.type && TERMINAL.has(parsed.type)) {
      terminal += out;
      return "";
    }
    return out;
  };
  const drain = (): string => {
    let out = "";
    let index;
    while ((index = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, index).replace(/\r/g, "");
      buffer = buffer.slice(index + 2);
      if (block.trim()) out += handleEvent(block);
    }
    return out;
  };
  return pullStream(upstream, {
    onChunk: () => hooks.onChunk(),
    take(text) {
      buffer += text;
      return drain();
    },
    async finish(error) {
      let tail = buffer.trim() ? handleEvent(buffer.replace(/\r/g, "").trim()) : "";
      buffer = "";
      const end = observation.failed ? "failed" : terminal ? "completed" : "truncated";
      tail += await hooks.onEnd(end, observation, terminal, error);
      return tail;
    },
    cancel: () => hooks.onCancel(observation),
  });
}
