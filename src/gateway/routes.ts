// The developer API: OpenAI-compatible /v1/... and the seed's /api/v1/developer/chat and /models.
import { Elysia } from "elysia";
import type { ModelConfig } from "../config.ts";
import { operation } from "../http/mod.ts";
import { chatCompletionBody, chatCompletionSchema, embeddingsBody, providerOf, responsesBody, seedChatBody, seedChatResponseSchema } from "../chat/mod.ts";
import { quotaRemaining } from "../plans/mod.ts";
import type { GatewayDeps } from "./deps.ts";
import { keyGuard } from "./key_guard.ts";
import { keyInfoSchema, modelParams, openAiModelSchema, openAiModelsSchema, seedModelsSchema } from "./model.ts";
import { METERED_POSTS, modelOrThrow } from "./posts.ts";
import { type CallPlan, runCall } from "./run.ts";

/** A metered read (models, key): counts toward the rate limit, not the quota. */
function readPlan(read: () => unknown): CallPlan {
  return { countsQuota: false, model: null, run: async () => ({ kind: "reply", outcome: { status: 200, outcome: "ok" }, response: Response.json(read()) }) };
}

/** A catalog model in OpenAI's shape, as GET /v1/models lists it and GET /v1/models/{model} answers it. */
function openAiModel(m: ModelConfig, created: number) {
  return { id: m.id, object: "model" as const, created, owned_by: providerOf(m), name: m.name, pricing: { input_per_million: m.inputPrice, output_per_million: m.outputPrice } };
}

const READ_ERRORS = { 401: "Missing or invalid API key / Invalid or expired API key", 429: "Rate limit exceeded. Maximum N requests per minute.", 503: "The hub's database or Redis is unavailable; retry shortly" } as const;
const CHAT_ERRORS = {
  ...READ_ERRORS,
  400: "Malformed JSON, or a body that is not an object",
  402: "Quota exceeded. Used X/Y requests this month.",
  404: "Unknown model",
  413: "The body is larger than 1 MiB",
  422: "A field is missing or invalid (named in the message and param)",
  502: "The upstream failed (5xx, refused connection, malformed or truncated body)",
  504: "The upstream timed out",
} as const;
const OPENAI = "developer API (OpenAI-compatible)";
const SEED = "developer API (simple)";

/** The developer-API routes (API-key auth). */
export function gatewayRoutes(deps: GatewayDeps) {
  const created = Math.floor(Date.now() / 1000);
  const example = deps.config.models[0]?.id ?? deps.config.defaultModel;
  return new Elysia()
    .use(keyGuard(deps))
    // Bodies are read here, after the key is verified, so a bad body is a metered, recorded call too
    // (http/plugins.ts leaves these routes' bodies unparsed).
    .post("/v1/chat/completions", ({ call, request }) => METERED_POSTS["/v1/chat/completions"](deps, call, request), {
      response: { 200: chatCompletionSchema },
      detail: operation({
        operationId: "createChatCompletion", summary: "Chat completion (JSON, or SSE with stream: true)", tag: OPENAI, access: "apiKey", errors: CHAT_ERRORS,
        body: { schema: chatCompletionBody, example: { model: example, messages: [{ role: "user", content: "Hello" }] } },
        success: { description: "A completion, or with stream: true a text/event-stream of chunks ending with data: [DONE]", eventStream: "data: {chat.completion.chunk} events, then data: [DONE]" },
      }),
    })
    .post("/v1/embeddings", ({ call, request }) => METERED_POSTS["/v1/embeddings"](deps, call, request), {
      detail: operation({
        operationId: "createEmbeddings", summary: "Embeddings (priced at the model's input price on prompt tokens)", tag: OPENAI, access: "apiKey", errors: CHAT_ERRORS,
        body: { schema: embeddingsBody, example: { model: example, input: ["Hello", "World"], encoding_format: "float" } },
        success: { description: "OpenAI's embeddings list, with usage.prompt_tokens" },
      }),
    })
    .post("/v1/responses", ({ call, request }) => METERED_POSTS["/v1/responses"](deps, call, request), {
      detail: operation({
        operationId: "createResponse", summary: "Responses API (JSON, or its event stream with stream: true)", tag: OPENAI, access: "apiKey", errors: CHAT_ERRORS,
        body: { schema: responsesBody, example: { model: example, input: "Hello" } },
        success: { description: "A response object, or with stream: true a text/event-stream of response.* events ending with response.completed", eventStream: "event: response.* / data: {event} pairs, ending with response.completed" },
      }),
    })
    .post("/api/v1/developer/chat", ({ call, request }) => METERED_POSTS["/api/v1/developer/chat"](deps, call, request), {
      response: { 200: seedChatResponseSchema },
      detail: operation({
        operationId: "sendChatMessage", summary: "One message, answered as an SSE stream (default) or JSON with stream: false", tag: SEED, access: "apiKey", errors: CHAT_ERRORS,
        body: { schema: seedChatBody, example: { message: "Hello", model: example, stream: false } },
        success: { description: "The reply", eventStream: "data: {content} events, then data: {done, model, tokens_used, cost, quota_remaining}, then data: [DONE]" },
      }),
    })
    .get("/v1/models", ({ call }) => runCall(deps, call, () => readPlan(() => ({
      object: "list",
      data: deps.config.models.map((m) => openAiModel(m, created)),
    }))), {
      response: { 200: openAiModelsSchema },
      detail: operation({ operationId: "listModels", summary: "The model catalog (OpenAI's shape)", tag: OPENAI, access: "apiKey", errors: READ_ERRORS }),
    })
    // An alias answers with its model's canonical id, as a chat call with that alias is served and recorded.
    .get("/v1/models/:model", ({ call, params }) => runCall(deps, call, () => {
      const model = modelOrThrow(deps, params.model);
      return readPlan(() => openAiModel(model, created));
    }), {
      params: modelParams,
      response: { 200: openAiModelSchema },
      detail: operation({ operationId: "retrieveModel", summary: "One model of the catalog by id or alias (OpenAI's shape)", tag: OPENAI, access: "apiKey", errors: { ...READ_ERRORS, 404: "Unknown model" } }),
    })
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
    })), {
      response: { 200: keyInfoSchema },
      detail: operation({ operationId: "getKeyInfo", summary: "The calling key: plan, limits, quota", tag: OPENAI, access: "apiKey", errors: READ_ERRORS }),
    })
    .get("/api/v1/developer/models", ({ call }) => runCall(deps, call, () => readPlan(() => ({
      models: deps.config.models.map((m) => ({ id: m.id, name: m.name, provider: providerOf(m), type: "chat", free: m.free })),
    }))), {
      response: { 200: seedModelsSchema },
      detail: operation({ operationId: "listSeedModels", summary: "The model catalog (the seed's shape)", tag: SEED, access: "apiKey", errors: READ_ERRORS }),
    });
}
