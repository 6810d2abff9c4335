// The embeddings call's run: open the model's deployments (or the demo), pass the vectors on, record prompt tokens.
import type { ModelConfig } from "../config.ts";
import { costOf, demoEmbeddingsResponse, type EmbeddingsRequest, estimateEmbeddingTokens } from "../chat/mod.ts";
import { tokenCount } from "../usage/mod.ts";
import type { DeveloperCall } from "./call.ts";
import type { GatewayDeps } from "./deps.ts";
import { openFailed, openProvider, routeFields, routeHeaders, upstreamError, withRouteHeaders } from "./provider.ts";
import type { CallPlan } from "./run.ts";

/** The plan of one embeddings call: charged to the quota, priced at the model's input price on prompt tokens. */
export function embeddingsPlan(deps: GatewayDeps, call: DeveloperCall, model: ModelConfig, request: EmbeddingsRequest, options: { signal: AbortSignal }): CallPlan {
  return {
    countsQuota: true,
    model: model.id,
    async run() {
      const route = await openProvider(deps, model, request.body, { signal: options.signal, path: "/embeddings", demo: () => demoEmbeddingsResponse({ ...request, model: model.id }) });
      if (!route.ok) return openFailed(model, route, { signal: options.signal, stream: false });
      const base = { model: model.id, ...routeFields(route), stream: false };
      let json: Record<string, unknown>;
      try {
        json = (await route.call.response.json()) as Record<string, unknown>;
        if (!json || !Array.isArray(json.data)) throw new Error("no data in the response");
      } catch (error) {
        const failed = upstreamError({ kind: "failed", upstream: route.served.upstream, reason: `malformed response (${(error as Error).message})` });
        Object.assign(failed.headers, routeHeaders(route));
        return { kind: "failed", outcome: { ...base, status: failed.status, outcome: "upstream_error", error: failed.message }, error: failed };
      } finally {
        route.call.done();
      }
      const usage = json.usage as { prompt_tokens?: unknown } | undefined;
      const reported = typeof usage?.prompt_tokens === "number" && model.upstream !== "demo";
      const promptTokens = reported ? tokenCount(usage!.prompt_tokens) : estimateEmbeddingTokens(request.texts);
      json.model = model.id;
      json.usage ??= { prompt_tokens: promptTokens, total_tokens: promptTokens };
      const outcome = { ...base, status: 200, outcome: "ok" as const, countsQuota: true, promptTokens, completionTokens: 0, tokensEstimated: !reported, cost: costOf(model, promptTokens, 0), ttfbMs: Math.round(performance.now() - call.startedAt) };
      return { kind: "reply", outcome, response: withRouteHeaders(Response.json(json), route) };
    },
  };
}
