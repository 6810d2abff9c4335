// Responses of the developer API's reads as `t` schemas (the chat payloads are in chat/model.ts).
import { t } from "elysia";

/** One model in OpenAI's shape, with the hub's name and prices beside it (GET /v1/models/{model} and the list's entries). */
export const openAiModelSchema = t.Object({
  id: t.String(),
  object: t.Literal("model"),
  created: t.Integer(),
  owned_by: t.String(),
  name: t.String(),
  pricing: t.Object({ input_per_million: t.Number({ description: "USD per million input tokens" }), output_per_million: t.Number({ description: "USD per million output tokens" }) }),
}, { $id: "Model" });

export const openAiModelsSchema = t.Object({
  object: t.Literal("list"),
  data: t.Array(openAiModelSchema),
}, { $id: "ModelList" });

/** The path of GET /v1/models/{model}: a model id (URL-encoded when it holds a slash) or one of its aliases. */
export const modelParams = t.Object({ model: t.String({ description: "A model id or alias (URL-encoded: openai%2Fgpt-4o-mini)" }) });

export const keyInfoSchema = t.Object({
  data: t.Object({
    name: t.String(),
    key_prefix: t.String(),
    plan: t.String(),
    rate_limit: t.Integer({ description: "Requests per minute" }),
    quota_limit: t.Integer(),
    quota_used: t.Integer(),
    quota_remaining: t.Integer(),
    quota_reset_at: t.String({ format: "date-time" }),
    expires_at: t.Union([t.String({ format: "date-time" }), t.Null()]),
  }),
}, { $id: "KeyInfo" });

export const seedModelsSchema = t.Object({
  models: t.Array(t.Object({ id: t.String(), name: t.String(), provider: t.String(), type: t.Literal("chat"), free: t.Boolean() })),
}, { $id: "SeedModelList" });
