// POST /v1/responses: its request (passed through untouched), usage from its events, and the demo model's local answer.
import { t } from "elysia";
import { HttpError, parsePayload } from "../http/mod.ts";
import { demoChunks, demoReply } from "./demo.ts";
import { estimateTokens } from "./catalog.ts";

export interface ResponsesRequest {
  model: string;
  stream: boolean;
  /** The input's text, for estimates and the demo. */
  prompt: string;
  body: Record<string, unknown>;
}

export const responsesBody = t.Object({
  model: t.Optional(t.String({ minLength: 1, maxLength: 200, error: "must be a model id string" })),
  input: t.Optional(t.Union([t.String(), t.Array(t.Unknown())], { error: "must be a string or an array of input items" })),
  stream: t.Optional(t.Union([t.Boolean(), t.Null()], { error: "must be a boolean" })),
}, { $id: "ResponsesRequest", additionalProperties: true, description: "OpenAI's Responses request; unknown fields are passed to the upstream." });

/** Validates an OpenAI Responses request against its schema; throws 400/422 naming the bad field. */
export function parseResponsesRequest(body: unknown, defaultModel: string): ResponsesRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new HttpError("bad_request", "Request body must be a JSON object");
  const b = parsePayload(responsesBody, body);
  const prompt = typeof b.input === "string" ? b.input : JSON.stringify(b.input ?? "");
  return { model: b.model ?? defaultModel, stream: b.stream === true, prompt, body: body as Record<string, unknown> };
}

/** Token usage as a Responses object reports it. */
export interface ResponsesUsage {
  input_tokens: number;
  output_tokens: number;
}

/** The usage of a Responses object, if it carries one. */
export function responsesUsageOf(response: unknown): ResponsesUsage | null {
  const usage = (response as { usage?: { input_tokens?: unknown; output_tokens?: unknown } } | null)?.usage;
  return usage && typeof usage.input_tokens === "number" ? { input_tokens: usage.input_tokens, output_tokens: Number(usage.output_tokens ?? 0) } : null;
}

/** A complete Responses object answering with `text`. */
export function responseObject(o: { id: string; model: string; text: string; status: string; usage: ResponsesUsage | null; created: number }) {
  const message = { id: `msg_${o.id}`, type: "message", status: "completed", role: "assistant", content: [{ type: "output_text", text: o.text, annotations: [] }] };
  return {
    id: `resp_${o.id}`, object: "response", created_at: o.created, status: o.status, model: o.model, output: o.status === "completed" ? [message] : [],
    usage: o.usage ? { ...o.usage, total_tokens: o.usage.input_tokens + o.usage.output_tokens, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } } : null,
    error: null, incomplete_details: null, instructions: null, metadata: {}, parallel_tool_calls: true, temperature: 1, tool_choice: "auto", tools: [], top_p: 1,
  };
}

const encoder = new TextEncoder();

/** A Responses answer generated locally (the demo model; the fake upstream): JSON, or the event stream OpenAI sends. */
export function demoResponsesResponse(request: { model: string; stream: boolean; prompt: string }, options: { chunkDelayMs: number; signal?: AbortSignal }): Response {
  const text = demoReply(request.prompt);
  const id = crypto.randomUUID().replaceAll("-", "");
  const created = Math.floor(Date.now() / 1000);
  const usage = { input_tokens: estimateTokens(request.prompt), output_tokens: estimateTokens(text) };
  const full = (status: string, withUsage: boolean) => responseObject({ id, model: request.model, text, status, usage: withUsage ? usage : null, created });
  if (!request.stream) return Response.json(full("completed", true));
  const itemId = `msg_${id}`;
  const part = (t: string) => ({ type: "output_text", text: t, annotations: [] });
  const item = (status: string, t: string | null) => ({ id: itemId, type: "message", status, role: "assistant", content: t === null ? [] : [part(t)] });
  const events: Array<Record<string, unknown>> = [
    { type: "response.created", response: full("in_progress", false) },
    { type: "response.in_progress", response: full("in_progress", false) },
    { type: "response.output_item.added", output_index: 0, item: item("in_progress", null) },
    { type: "response.content_part.added", item_id: itemId, output_index: 0, content_index: 0, part: part("") },
    ...demoChunks(text).map((delta) => ({ type: "response.output_text.delta", item_id: itemId, output_index: 0, content_index: 0, delta, logprobs: [] })),
    { type: "response.output_text.done", item_id: itemId, output_index: 0, content_index: 0, text, logprobs: [] },
    { type: "response.content_part.done", item_id: itemId, output_index: 0, content_index: 0, part: part(text) },
    { type: "response.output_item.done", output_index: 0, item: item("completed", text) },
    { type: "response.completed", response: full("completed", true) },
  ];
  let i = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (options.signal?.aborted || i >= events.length) return controller.close();
      const event = events[i]!;
      if (event.type === "response.output_text.delta" && options.chunkDelayMs > 0) await Bun.sleep(options.chunkDelayMs);
      controller.enqueue(encoder.encode(`event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: i })}\n\n`));
      i++;
    },
  });
  return new Response(stream, { headers: { "content-type": "text/event-stream" } });
}
