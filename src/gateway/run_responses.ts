// The Responses call's run: open the model's deployments (or the demo), relay the answer, usage from response.completed.
import type { ModelConfig } from "../config.ts";
import type { HttpError } from "../http/mod.ts";
import { costOf, demoResponsesResponse, estimateTokens, relayResponses, type ResponsesObservation, type ResponsesRequest, responsesUsageOf, type UpstreamFailure } from "../chat/mod.ts";
import { tokenCount } from "../usage/mod.ts";
import type { CallOutcome, DeveloperCall } from "./call.ts";
import type { GatewayDeps } from "./deps.ts";
import { failureOutcome, type Opened, openFailed, openProvider, routeFields, routeHeaders, upstreamError, withRouteHeaders } from "./provider.ts";
import type { CallPlan, CallResult } from "./run.ts";

const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-accel-buffering": "no" };

function tokensOf(model: ModelConfig, request: ResponsesRequest, usage: { input_tokens: number; output_tokens: number } | null, outputChars: number, demo: boolean) {
  const reported = usage !== null && !demo;
  const promptTokens = reported ? tokenCount(usage.input_tokens) : estimateTokens(request.prompt);
  const completionTokens = reported ? tokenCount(usage.output_tokens) : Math.ceil(outputChars / 4);
  return { promptTokens, completionTokens, tokensEstimated: !reported, cost: costOf(model, promptTokens, completionTokens) };
}

/** The plan of one Responses call: charged to the quota, priced like chat. */
export function responsesPlan(deps: GatewayDeps, call: DeveloperCall, model: ModelConfig, request: ResponsesRequest, options: { signal: AbortSignal }): CallPlan {
  return {
    countsQuota: true,
    model: model.id,
    async run() {
      const demo = (signal: AbortSignal) => demoResponsesResponse({ model: model.id, stream: request.stream, prompt: request.prompt }, { chunkDelayMs: deps.config.demoChunkDelayMs, signal });
      const route = await openProvider(deps, model, request.body, { signal: options.signal, path: "/responses", demo });
      if (!route.ok) return openFailed(model, route, { signal: options.signal, stream: request.stream });
      const result = request.stream ? streamReply(call, model, request, route) : await jsonReply(call, model, request, route);
      if (result.kind === "failed") Object.assign(result.error.headers, routeHeaders(route));
      else withRouteHeaders(result.response, route);
      return result;
    },
  };
}

function failedResult(base: Partial<CallOutcome>, failure: UpstreamFailure, extra: Partial<CallOutcome> = {}): { outcome: CallOutcome; error: HttpError } {
  const error = upstreamError(failure);
  return { outcome: { ...base, ...extra, status: error.status, outcome: failureOutcome(failure), error: error.message }, error };
}

async function jsonReply(call: DeveloperCall, model: ModelConfig, request: ResponsesRequest, route: Opened): Promise<CallResult> {
  const base = { model: model.id, ...routeFields(route), stream: false };
  let json: Record<string, unknown>;
  try {
    json = (await route.call.response.json()) as Record<string, unknown>;
    if (!json || json.object !== "response") throw new Error("not a response object");
  } catch (error) {
    return { kind: "failed", ...failedResult(base, { kind: "failed", upstream: route.served.upstream, reason: `malformed response (${(error as Error).message})` }) };
  } finally {
    route.call.done();
  }
  const tokens = tokensOf(model, request, responsesUsageOf(json), 0, model.upstream === "demo");
  json.model = model.id;
  return { kind: "reply", outcome: { ...base, status: 200, outcome: "ok", countsQuota: true, ttfbMs: Math.round(performance.now() - call.startedAt), ...tokens }, response: Response.json(json) };
}

function streamReply(call: DeveloperCall, model: ModelConfig, request: ResponsesRequest, route: Opened): CallResult {
  const provider = route.call;
  const base = { model: model.id, ...routeFields(route), stream: true };
  const demo = model.upstream === "demo";
  let ttfbMs: number | null = null;
  const ended = Promise.withResolvers<CallOutcome>();
  const settled = Promise.withResolvers<HttpError | null>();
  const tokensSoFar = (o: ResponsesObservation) => tokensOf(model, request, o.usage, o.outputChars, demo);
  const errorEvent = (error: HttpError) => `event: error\ndata: ${JSON.stringify({ type: "error", code: error.code, message: error.message, param: null })}\n\n`;
  const body = relayResponses(provider.response.body!, {
    rename: route.served.upstreamModel === model.id ? null : model.id,
    onChunk() {
      provider.touch();
      ttfbMs ??= Math.round(performance.now() - call.startedAt);
    },
    async onEnd(end, observation, terminal, error) {
      provider.done();
      const tokens = tokensSoFar(observation);
      if (end === "completed") {
        ended.resolve({ ...base, status: 200, outcome: "ok", countsQuota: true, ttfbMs, ...tokens });
        // The completed event is held back until the record is durable.
        const settleError = await settled.promise;
        return settleError ? errorEvent(settleError) : terminal;
      }
      if (provider.abortReason() === "client disconnected") {
        ended.resolve({ ...base, status: 499, outcome: "client_aborted", countsQuota: true, ttfbMs, ...tokens, error: "client disconnected mid-stream" });
        return "";
      }
      const timedOut = provider.abortReason() === "timeout";
      const reason = timedOut ? "stream stalled" : observation.failed ?? (error ? `stream broke (${(error as Error).message ?? "unknown"})` : "stream ended before response.completed");
      const failed = failedResult(base, { kind: timedOut ? "timeout" : "failed", upstream: route.served.upstream, reason }, { ttfbMs, ...tokens });
      ended.resolve(failed.outcome);
      await settled.promise;
      // An upstream that sent its own failure event already told the client.
      return observation.failed ? "" : errorEvent(failed.error);
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
