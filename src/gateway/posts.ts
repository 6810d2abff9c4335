// The metered POST routes' work, shared by the Elysia routes (app.handle, the OpenAPI document) and the native
// routes a listening hub serves them with (native_routes.ts): read the body after the key, plan, run the call once.
import type { ModelConfig } from "../config.ts";
import { HttpError, readJsonBody } from "../http/mod.ts";
import { findModel, parseCompletionRequest, parseEmbeddingsRequest, parseResponsesRequest, parseSeedChat, type SeedChatRequest } from "../chat/mod.ts";
import type { DeveloperCall } from "./call.ts";
import type { GatewayDeps } from "./deps.ts";
import { type CallPlan, runCall } from "./run.ts";
import { chatPlan } from "./run_chat.ts";
import { embeddingsPlan } from "./run_embeddings.ts";
import { responsesPlan } from "./run_responses.ts";

/** The catalog's model `id` (or alias), or the 404 to answer. */
export function modelOrThrow(deps: GatewayDeps, id: string): ModelConfig {
  const model = findModel(deps.config.models, id);
  if (!model) throw new HttpError("model_not_found", `The model '${id}' does not exist. GET /v1/models lists the available models.`, { param: "model", reason: { kind: "model_not_found", model: id } });
  return model;
}

/** The plan of a seed-shaped chat call ({message, model?, stream}). */
function seedChatPlan(deps: GatewayDeps, call: DeveloperCall, body: SeedChatRequest, signal: AbortSignal): CallPlan {
  const model = modelOrThrow(deps, body.model ?? deps.config.defaultModel);
  const messages = [{ role: "user" as const, content: body.message }];
  return chatPlan(deps, call, model, { model: model.id, stream: body.stream, messages, wantsUsage: false, body: { model: model.id, messages, stream: body.stream } }, { format: "seed", signal });
}

/** The plan of an OpenAI chat-completions call with `body`, checked by the API's schema; the playground makes the same call. */
export function completionPlan(deps: GatewayDeps, call: DeveloperCall, body: unknown, signal: AbortSignal): CallPlan {
  const parsed = parseCompletionRequest(body, deps.config.defaultModel);
  return chatPlan(deps, call, modelOrThrow(deps, parsed.model), parsed, { format: "openai", signal });
}

/** Runs one metered POST of a verified key: `request`'s body is read here, after the key, so a bad body is a metered call too. */
export type MeteredPost = (deps: GatewayDeps, call: DeveloperCall, request: Request) => Promise<Response>;

/** The developer API's metered POST routes by path. */
export const METERED_POSTS = {
  "/v1/chat/completions": (deps, call, request) => runCall(deps, call, async () => completionPlan(deps, call, await readJsonBody(request), request.signal)),
  "/v1/embeddings": (deps, call, request) => runCall(deps, call, async () => {
    const parsed = parseEmbeddingsRequest(await readJsonBody(request), deps.config.defaultModel);
    return embeddingsPlan(deps, call, modelOrThrow(deps, parsed.model), parsed, { signal: request.signal });
  }),
  "/v1/responses": (deps, call, request) => runCall(deps, call, async () => {
    const parsed = parseResponsesRequest(await readJsonBody(request), deps.config.defaultModel);
    return responsesPlan(deps, call, modelOrThrow(deps, parsed.model), parsed, { signal: request.signal });
  }),
  "/api/v1/developer/chat": (deps, call, request) => runCall(deps, call, async () => seedChatPlan(deps, call, parseSeedChat(await readJsonBody(request)), request.signal)),
} satisfies Record<string, MeteredPost>;
