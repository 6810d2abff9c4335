// The chat call, end to end: admit → call the upstream (or the demo) → relay the answer → settle one record.
import type { AppDeps } from "../app.ts";
import type { ModelConfig } from "../config.ts";
import { HttpError } from "../http/errors.ts";
import { admitCall, type DeveloperCall, settleCall, tokenCount } from "../usage/metering.ts";
import { costOf, estimatePromptTokens } from "./catalog.ts";
import { demoResponse } from "./demo.ts";
import type { CompletionRequest } from "./model.ts";
import { relaySse, type StreamObservation } from "./relay.ts";
import { callUpstream, type UpstreamCall, upstreamFailure } from "./upstream.ts";

/** "openai": OpenAI's response shapes; "seed": the seed's {response, tokens_used, cost} and content events. */
export type ChatFormat = "openai" | "seed";

const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-accel-buffering": "no" };

interface Tokens {
  promptTokens: number;
  completionTokens: number;
  tokensEstimated: boolean;
  cost: number;
}

function tokensOf(model: ModelConfig, request: CompletionRequest, usage: { prompt_tokens: number; completion_tokens: number } | null, completionChars: number): Tokens {
  // Upstreams' numbers are data, not trusted: coerced to whole, bounded counts.
  const promptTokens = usage ? tokenCount(usage.prompt_tokens) : estimatePromptTokens(request.messages);
  const completionTokens = usage ? tokenCount(usage.completion_tokens) : Math.ceil(completionChars / 4);
  return { promptTokens, completionTokens, tokensEstimated: usage === null, cost: costOf(model, promptTokens, completionTokens) };
}

function lastUserText(request: CompletionRequest): string {
  const last = [...request.messages].reverse().find((m) => m.role === "user");
  return typeof last?.content === "string" ? last.content : JSON.stringify(last?.content ?? "");
}

/** Opens the model's provider: its upstream, or the built-in demo. */
async function openProvider(deps: AppDeps, model: ModelConfig, request: CompletionRequest, signal: AbortSignal): Promise<UpstreamCall> {
  if (model.upstream === "demo") {
    const controller = new AbortController();
    let reason: string | null = null;
    signal.addEventListener("abort", () => {
      reason = "client disconnected";
      controller.abort();
    }, { once: true });
    const response = demoResponse({ model: model.id, stream: request.stream, prompt: lastUserText(request) }, { chunkDelayMs: deps.config.demoChunkDelayMs, signal: controller.signal });
    return { response, abort: (why) => ((reason ??= why ?? "aborted"), controller.abort()), touch() {}, abortReason: () => reason, done() {} };
  }
  const upstream = deps.config.upstreams.find((u) => u.name === model.upstream);
  if (!upstream) throw new HttpError("internal", `Model ${model.id} names an upstream that is not configured`);
  return await callUpstream(upstream, model, request.body, { signal });
}

/** Runs one chat call for `call`'s key and returns the response in `format`. */
export async function runChat(deps: AppDeps, call: DeveloperCall, model: ModelConfig, request: CompletionRequest, options: { format: ChatFormat; signal: AbortSignal }): Promise<Response> {
  await admitCall(deps, call, { countsQuota: true, model: model.id });
  const base = { model: model.id, upstream: model.upstream, stream: request.stream };
  let provider: UpstreamCall;
  try {
    provider = await openProvider(deps, model, request, options.signal);
  } catch (error) {
    const failure = error instanceof HttpError ? error : upstreamFailure(model.upstream, String(error), false);
    // A client that left before the upstream answered got nothing: recorded, not charged.
    const outcome = options.signal.aborted ? "client_aborted" : failure.code === "upstream_timeout" ? "upstream_timeout" : failure.status === 400 ? "upstream_rejected" : "upstream_error";
    await settleCall(deps, call, { ...base, status: options.signal.aborted ? 499 : failure.status, outcome, error: failure.message });
    throw failure;
  }
  return request.stream ? streamReply(deps, call, model, request, provider, options.format) : await jsonReply(deps, call, model, request, provider, options.format);
}

async function jsonReply(deps: AppDeps, call: DeveloperCall, model: ModelConfig, request: CompletionRequest, provider: UpstreamCall, format: ChatFormat): Promise<Response> {
  const base = { model: model.id, upstream: model.upstream, stream: false };
  let json: Record<string, unknown>;
  let text: string;
  try {
    text = await provider.response.text();
    json = JSON.parse(text) as Record<string, unknown>;
    if (!json || !Array.isArray(json.choices)) throw new Error("no choices in the response");
  } catch (error) {
    const timedOut = provider.abortReason() === "timeout";
    const failure = upstreamFailure(model.upstream, timedOut ? "timed out while sending the response" : `malformed response (${(error as Error).message})`, timedOut);
    await settleCall(deps, call, { ...base, status: failure.status, outcome: timedOut ? "upstream_timeout" : "upstream_error", error: failure.message });
    throw failure;
  } finally {
    provider.done();
  }
  const choices = json.choices as Array<{ message?: { content?: unknown } }>;
  const reply = choices.map((c) => (typeof c.message?.content === "string" ? c.message.content : "")).join("");
  const usage = json.usage as { prompt_tokens: number; completion_tokens: number } | undefined;
  const tokens = tokensOf(model, request, usage && typeof usage.prompt_tokens === "number" ? usage : null, reply.length);
  const ttfbMs = Math.round(performance.now() - call.startedAt);
  // The record is durable before the response leaves: a crash after this point loses nothing delivered.
  await settleCall(deps, call, { ...base, status: 200, outcome: "ok", countsQuota: true, ttfbMs, ...tokens });
  if (format === "seed") {
    return Response.json({ response: reply, model: model.id, tokens_used: tokens.promptTokens + tokens.completionTokens, cost: tokens.cost });
  }
  // The upstream's own bytes when nothing needs changing: no second serialisation on the hot path.
  if (json.model === model.id && json.usage) return new Response(text, { headers: { "content-type": "application/json" } });
  json.model = model.id;
  json.usage ??= { prompt_tokens: tokens.promptTokens, completion_tokens: tokens.completionTokens, total_tokens: tokens.promptTokens + tokens.completionTokens };
  return Response.json(json);
}

function streamReply(deps: AppDeps, call: DeveloperCall, model: ModelConfig, request: CompletionRequest, provider: UpstreamCall, format: ChatFormat): Response {
  const base = { model: model.id, upstream: model.upstream, stream: true };
  const renameModel = model.upstreamModel !== model.id;
  let ttfbMs: number | null = null;
  const outcomeOf = (observation: StreamObservation) => tokensOf(model, request, observation.usage, observation.completionChars);

  const body = relaySse(provider.response.body!, {
    mustParse: () => format === "seed" || renameModel,
    onChunk() {
      provider.touch();
      ttfbMs ??= Math.round(performance.now() - call.startedAt);
    },
    onEvent(payload, parsed) {
      if (format === "seed") {
        const delta = (parsed?.choices as Array<{ delta?: { content?: unknown } }> | undefined)?.[0]?.delta?.content;
        return typeof delta === "string" && delta ? `data: ${JSON.stringify({ content: delta })}\n\n` : "";
      }
      // An upstream error event is not passed on: onEnd reports the failure once, in the hub's shape.
      if (parsed?.error) return "";
      // The usage chunk we asked for on the client's behalf reaches it only if it asked too.
      if (parsed && !request.wantsUsage && Array.isArray(parsed.choices) && parsed.choices.length === 0 && parsed.usage) return "";
      if (parsed && renameModel) return `data: ${JSON.stringify({ ...parsed, model: model.id })}\n\n`;
      return `data: ${payload}\n\n`;
    },
    onComment(line) {
      return format === "openai" ? `${line}\n\n` : "";
    },
    async onEnd(end, observation, error) {
      provider.done();
      const tokens = outcomeOf(observation);
      if (end === "done") {
        try {
          // [DONE] is held back until the record is durable.
          await settleCall(deps, call, { ...base, status: 200, outcome: "ok", countsQuota: true, ttfbMs, ...tokens });
        } catch (settleError) {
          return sseError(format, settleError as HttpError);
        }
        if (format === "seed") {
          const quotaRemaining = call.limits ? Math.max(0, call.limits.quotaLimit - call.limits.quotaUsed) : null;
          return `data: ${JSON.stringify({ done: true, model: model.id, tokens_used: tokens.promptTokens + tokens.completionTokens, cost: tokens.cost, quota_remaining: quotaRemaining })}\n\ndata: [DONE]\n\n`;
        }
        // A client that asked for usage gets it even from an upstream (or the demo) that sent none.
        const usageChunk = request.wantsUsage && observation.usage === null
          ? `data: ${JSON.stringify({ id: `chatcmpl-${call.id}`, object: "chat.completion.chunk", created: Math.floor(Date.now() / 1000), model: model.id, choices: [], usage: { prompt_tokens: tokens.promptTokens, completion_tokens: tokens.completionTokens, total_tokens: tokens.promptTokens + tokens.completionTokens } })}\n\n`
          : "";
        return `${usageChunk}data: [DONE]\n\n`;
      }
      const reason = provider.abortReason();
      if (reason === "client disconnected") {
        await settleCall(deps, call, { ...base, status: 499, outcome: "client_aborted", countsQuota: true, ttfbMs, ...tokens, error: "client disconnected mid-stream" }).catch(() => {});
        return "";
      }
      const timedOut = reason === "timeout";
      const failure = upstreamFailure(model.upstream, timedOut ? "stream stalled" : observation.upstreamError ?? (end === "truncated" ? "stream ended before [DONE]" : `stream broke (${(error as Error)?.message ?? "unknown"})`), timedOut);
      await settleCall(deps, call, { ...base, status: failure.status, outcome: timedOut ? "upstream_timeout" : "upstream_error", ttfbMs, ...tokens, error: failure.message }).catch(() => {});
      return sseError(format, failure);
    },
    async onCancel(observation) {
      provider.abort("client disconnected");
      provider.done();
      await settleCall(deps, call, { ...base, status: 499, outcome: "client_aborted", countsQuota: true, ttfbMs, ...outcomeOf(observation), error: "client disconnected mid-stream" }).catch(() => {});
    },
  });
  return new Response(body, { headers: SSE_HEADERS });
}

/** An error event in the stream's format (the status line was already sent). */
function sseError(format: ChatFormat, error: HttpError): string {
  if (format === "seed") return `data: ${JSON.stringify({ error: error.message })}\n\n`;
  if (error.code === "unavailable") return `data: ${JSON.stringify({ error: { message: error.message, type: "service_unavailable", code: "service_unavailable", param: null } })}\n\n`;
  const code = error.code === "upstream_timeout" ? "upstream_timeout" : "upstream_failed";
  return `data: ${JSON.stringify({ error: { message: error.message, type: "upstream_error", code, param: null } })}\n\n`;
}
