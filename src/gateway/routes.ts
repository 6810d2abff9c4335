// The developer API: OpenAI-compatible /v1/... and the seed's /api/v1/developer/chat and /models.
import { Elysia } from "elysia";
import type { ModelConfig } from "../config.ts";
import { HttpError, readJsonBody } from "../http/mod.ts";
import { findModel, parseCompletionRequest, parseEmbeddingsRequest, parseResponsesRequest, parseSeedChat, providerOf, type SeedChatRequest } from "../chat/mod.ts";
import { quotaRemaining } from "../plans/mod.ts";
import type { DeveloperCall } from "./call.ts";
import type { GatewayDeps } from "./deps.ts";
import { keyGuard } from "./key_guard.ts";
import { type CallPlan, runCall } from "./run.ts";
import { chatPlan } from "./run_chat.ts";
import { embeddingsPlan } from "./run_embeddings.ts";
import { responsesPlan } from "./run_responses.ts";

function modelOrThrow(deps: GatewayDeps, id: string): ModelConfig {
  const model = findModel(deps.config.models, id);
  if (!model) throw new HttpError("model_not_found", `The model '${id}' does not exist. GET /v1/models lists the available models.`, { param: "model" });
  return model;
}

/** A metered read (models, key): counts toward the rate limit, not the quota. */
function readPlan(read: () => unknown): CallPlan {
  return { countsQuota: false, model: null, run: async () => ({ kind: "reply", outcome: { status: 200, outcome: "ok" }, response: Response.json(read()) }) };
}

/** The plan of a seed-shaped chat call ({message, model?, stream}); the console's playground uses it too. */
export function seedChatPlan(deps: GatewayDeps, call: DeveloperCall, body: SeedChatRequest, signal: AbortSignal): CallPlan {
  const model = modelOrThrow(deps, body.model ?? deps.config.defaultModel);
  const messages = [{ role: "user", content: body.message }];
  return chatPlan(deps, call, model, { model: model.id, stream: body.stream, messages, wantsUsage: false, body: { model: model.id, messages, stream: body.stream } }, { format: "seed", signal });
}

/** The developer-API routes (API-key auth). */
export function gatewayRoutes(deps: GatewayDeps) {
  const created = Math.floor(Date.now() / 1000);
  return new Elysia()
    .use(keyGuard(deps))
    // Bodies are read here, after the key is verified, so a bad body is a metered, recorded call too
    // (http/plugins.ts leaves these two routes' bodies unparsed).
    .post("/v1/chat/completions", ({ call, request }) => runCall(deps, call, async () => {
      const parsed = parseCompletionRequest(await readJsonBody(request), deps.config.defaultModel);
      return chatPlan(deps, call, modelOrThrow(deps, parsed.model), parsed, { format: "openai", signal: request.signal });
    }))
    .post("/v1/embeddings", ({ call, request }) => runCall(deps, call, async () => {
      const parsed = parseEmbeddingsRequest(await readJsonBody(request), deps.config.defaultModel);
      return embeddingsPlan(deps, call, modelOrThrow(deps, parsed.model), parsed, { signal: request.signal });
    }))
    .post("/v1/responses", ({ call, request }) => runCall(deps, call, async () => {
      const parsed = parseResponsesRequest(await readJsonBody(request), deps.config.defaultModel);
      return responsesPlan(deps, call, modelOrThrow(deps, parsed.model), parsed, { signal: request.signal });
    }))
    .post("/api/v1/developer/chat", ({ call, request }) => runCall(deps, call, async () => seedChatPlan(deps, call, parseSeedChat(await readJsonBody(request)), request.signal)))
    .get("/v1/models", ({ call }) => runCall(deps, call, () => readPlan(() => ({
      object: "list",
      data: deps.config.models.map((m) => ({ id: m.id, object: "model", created, owned_by: providerOf(m), name: m.name, pricing: { input_per_million: m.inputPrice, output_per_million: m.outputPrice } })),
    }))))
    .get("/v1/key", ({ call }) => runCall(deps, call, () => readPlan(() => {
      const l = call.limits!;
      return {
        data: {
          name: call.key.name,
          key_prefix: call.key.keyPrefix,
          plan: call.key.plan,
          rate_limit: call.key.rateLimit,
          quota_limit: l.quotaLimit,
          quota_used: l.quotaUsed,
          quota_remaining: quotaRemaining(l.quotaLimit, l.quotaUsed),
          quota_reset_at: new Date(l.quotaReset * 1000).toISOString(),
          expires_at: call.key.expiresAt?.toISOString() ?? null,
        },
      };
    })))
    .get("/api/v1/developer/models", ({ call }) => runCall(deps, call, () => readPlan(() => ({
      models: deps.config.models.map((m) => ({ id: m.id, name: m.name, provider: providerOf(m), type: "chat", free: m.free })),
    }))));
}
