// The chat call's run: open the model's provider (an upstream or the demo), relay its answer, report the outcome.
import type { ModelConfig } from "../config.ts";
import { HttpError } from "../http/mod.ts";
import { type CompletionRequest, costOf, demoResponse, estimatePromptTokens, relaySse, type StreamObservation, type UpstreamFailure } from "../chat/mod.ts";
import { tokenCount } from "../usage/mod.ts";
import { callQuotaRemaining, type CallOutcome, type DeveloperCall } from "./call.ts";
import type { GatewayDeps } from "./deps.ts";
import { failureOutcome, type Opened, openFailed, openProvider, routeFields, routeHeaders, upstreamError, withRouteHeaders } from "./provider.ts";
import type { CallPlan, CallResult } from "./run.ts";

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

function demoFor(deps: GatewayDeps, model: ModelConfig, request: CompletionRequest) {
  return (signal: AbortSignal) => demoResponse({ model: model.id, stream: request.stream, prompt: lastUserText(request) }, { chunkDelayMs: deps.config.demoChunkDelayMs, signal });
}

/** The plan of one chat call for `call`'s key: charged to the quota, answered in `format`. */
export function chatPlan(deps: GatewayDeps, call: DeveloperCall, model: ModelConfig, request: CompletionRequest, options: { format: ChatFormat; signal: AbortSignal }): CallPlan {
  return {
    countsQuota: true,
    model: model.id,
    async run() {
      const route = await openProvider(deps, model, request.body, { signal: options.signal, demo: demoFor(deps, model, request) });
      if (!route.ok) return openFailed(model, route, { signal: options.signal, stream: request.stream });
      const result = request.stream ? streamReply(call, model, request, route, options.format) : await jsonReply(call, model, request, route, options.format);
      if (result.kind === "failed") Object.assign(result.error.headers, routeHeaders(route));
      else withRouteHeaders(result.response, route);
      return result;
    },
  };
}

async function jsonReply(call: DeveloperCall, model: ModelConfig, request: CompletionRequest, route: Opened, format: ChatFormat): Promise<CallResult> {
  const provider = route.call;
  const base = { model: model.id, ...routeFields(route), stream: false };
  let json: Record<string, unknown>;
  let text: string;
  try {
    text = await provider.response.text();
    json = JSON.parse(text) as Record<string, unknown>;
    if (!json || !Array.isArray(json.choices)) throw new Error("no choices in the response");
  } catch (error) {
    const timedOut = provider.abortReason() === "timeout";
    const failure: UpstreamFailure = { kind: timedOut ? "timeout" : "failed", upstream: route.served.upstream, reason: timedOut ? "timed out while sending the response" : `malformed response (${(error as Error).message})` };
    const failed = upstreamError(failure);
    return { kind: "failed", outcome: { ...base, status: failed.status, outcome: failureOutcome(failure), error: failed.message }, error: failed };
  } finally {
    provider.done();
  }
  const choices = json.choices as Array<{ message?: { content?: unknown } }>;
  const reply = choices.map((c) => (typeof c.message?.content === "string" ? c.message.content : "")).join("");
  const usage = json.usage as { prompt_tokens: number; completion_tokens: number } | undefined;
  const tokens = tokensOf(model, request, usage && typeof usage.prompt_tokens === "number" ? usage : null, reply.length);
  const outcome: CallOutcome = { ...base, status: 200, outcome: "ok", countsQuota: true, ttfbMs: Math.round(performance.now() - call.startedAt), ...tokens };
  let response: Response;
  if (format === "seed") {
    response = Response.json({ response: reply, model: model.id, tokens_used: tokens.promptTokens + tokens.completionTokens, cost: tokens.cost });
  } else if (json.model === model.id && json.usage) {
    // The upstream's own bytes when nothing needs changing: no second serialisation on the hot path.
    response = new Response(text, { headers: { "content-type": "application/json" } });
  } else {
    json.model = model.id;
    json.usage ??= { prompt_tokens: tokens.promptTokens, completion_tokens: tokens.completionTokens, total_tokens: tokens.promptTokens + tokens.completionTokens };
    response = Response.json(json);
  }
  // runCall settles before it returns this: the record is durable before the response leaves.
  return { kind: "reply", outcome, response };
}

function streamReply(call: DeveloperCall, model: ModelConfig, request: CompletionRequest, route: Opened, format: ChatFormat): CallResult {
  const provider = route.call;
  const base = { model: model.id, ...routeFields(route), stream: true };
  const renameModel = route.served.upstreamModel !== model.id;
  let ttfbMs: number | null = null;
  const ended = Promise.withResolvers<CallOutcome>();
  const settled = Promise.withResolvers<HttpError | null>();
  const tokensSoFar = (observation: StreamObservation) => tokensOf(model, request, observation.usage, observation.completionChars);

  const body = relaySse(provider.response.body!, {
    mustParse: () => format === "seed" || renameModel,
    passesPlainEvents: () => format === "openai" && !renameModel,
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
      const tokens = tokensSoFar(observation);
      if (end === "done") {
        ended.resolve({ ...base, status: 200, outcome: "ok", countsQuota: true, ttfbMs, ...tokens });
        // [DONE] is held back until the record is durable.
        const settleError = await settled.promise;
        if (settleError) return sseError(format, settleError);
        if (format === "seed") {
          return `data: ${JSON.stringify({ done: true, model: model.id, tokens_used: tokens.promptTokens + tokens.completionTokens, cost: tokens.cost, quota_remaining: callQuotaRemaining(call) })}\n\ndata: [DONE]\n\n`;
        }
        // A client that asked for usage gets it even from an upstream (or the demo) that sent none.
        const usageChunk = request.wantsUsage && observation.usage === null
          ? `data: ${JSON.stringify({ id: `chatcmpl-${call.id}`, object: "chat.completion.chunk", created: Math.floor(Date.now() / 1000), model: model.id, choices: [], usage: { prompt_tokens: tokens.promptTokens, completion_tokens: tokens.completionTokens, total_tokens: tokens.promptTokens + tokens.completionTokens } })}\n\n`
          : "";
        return `${usageChunk}data: [DONE]\n\n`;
      }
      const reason = provider.abortReason();
      if (reason === "client disconnected") {
        ended.resolve({ ...base, status: 499, outcome: "client_aborted", countsQuota: true, ttfbMs, ...tokens, error: "client disconnected mid-stream" });
        return "";
      }
      const timedOut = reason === "timeout";
      const failure: UpstreamFailure = { kind: timedOut ? "timeout" : "failed", upstream: route.served.upstream, reason: timedOut ? "stream stalled" : observation.upstreamError ?? (end === "truncated" ? "stream ended before [DONE]" : `stream broke (${(error as Error)?.message ?? "unknown"})`) };
      const failed = upstreamError(failure);
      ended.resolve({ ...base, status: failed.status, outcome: failureOutcome(failure), ttfbMs, ...tokens, error: failed.message });
      await settled.promise;
      return sseError(format, failed);
    },
    async onCancel(observation) {
      provider.abort("client disconnected");
      provider.done();
      ended.resolve({ ...base, status: 499, outcome: "client_aborted", countsQuota: true, ttfbMs, ...tokensSoFar(observation), error: "client disconnected mid-stream" });
      await settled.promise;
    },
  });
  return { kind: "stream", response: new Response(body, { headers: SSE_HEADERS }), ended: ended.promise, settled: settled.resolve };
}

/** An error event in the stream's format (the status line was already sent). */
function sseError(format: ChatFormat, error: HttpError): string {
  if (format === "seed") return `data: ${JSON.stringify({ error: error.message })}\n\n`;
  if (error.code === "unavailable") return `data: ${JSON.stringify({ error: { message: error.message, type: "service_unavailable", code: "service_unavailable", param: null } })}\n\n`;
  const code = error.code === "upstream_timeout" ? "upstream_timeout" : "upstream_failed";
  return `data: ${JSON.stringify({ error: { message: error.message, type: "upstream_error", code, param: null } })}\n\n`;
}
