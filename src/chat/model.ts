// Request payloads of the chat routes as `t` schemas: OpenAI's shape (unknown fields passed through) and the seed's simple one.
import { t } from "elysia";
import { HttpError, jsonInteger, parsePayload } from "../http/mod.ts";

const ROLES = ["system", "user", "assistant", "tool", "function", "developer"] as const;

const modelId = t.String({ minLength: 1, maxLength: 200, error: "must be a model id string", description: "A model id from the catalog (GET /v1/models)" });

export const chatMessage = t.Object({
  role: t.UnionEnum(ROLES, { default: undefined, error: `must be one of ${ROLES.join(", ")}` }),
  content: t.Optional(t.Union([t.String(), t.Array(t.Unknown()), t.Null()], { error: "must be a string or an array of parts" })),
}, { additionalProperties: true });
export type ChatMessage = typeof chatMessage.static & Record<string, unknown>;

export const chatCompletionBody = t.Object({
  model: t.Optional(modelId),
  messages: t.Array(chatMessage, { minItems: 1, error: "must be a non-empty array" }),
  stream: t.Optional(t.Union([t.Boolean(), t.Null()], { error: "must be a boolean" })),
  stream_options: t.Optional(t.Union([
    t.Object({ include_usage: t.Optional(t.Boolean()) }, { additionalProperties: true }),
    t.Null(),
  ], { error: "must be an object" })),
  // The sampling fields the console's playground sets, checked as OpenAI does; the rest pass through unchecked.
  temperature: t.Optional(t.Union([t.Number({ minimum: 0, maximum: 2 }), t.Null()], { error: "must be a number from 0 to 2" })),
  max_tokens: t.Optional(t.Union([jsonInteger({ minimum: 1, maximum: 1_000_000 }), t.Null()], { error: "must be an integer from 1 to 1,000,000" })),
  stop: t.Optional(t.Union([t.String({ maxLength: 200 }), t.Array(t.String({ maxLength: 200 }), { maxItems: 4 }), t.Null()], { error: "must be a string or an array of up to 4 strings" })),
}, { $id: "ChatCompletionRequest", additionalProperties: true, description: "OpenAI's request shape; unknown fields are passed to the upstream." });
export type ChatCompletionBody = typeof chatCompletionBody.static;

export const seedChatBody = t.Object({
  message: t.String({ minLength: 1, maxLength: 200_000, error: "must be a string of 1–200,000 characters" }),
  model: t.Optional(modelId),
  stream: t.Optional(t.Boolean({ default: true, error: "must be a boolean" })),
}, { $id: "SeedChatRequest", additionalProperties: false });
export type SeedChatBody = typeof seedChatBody.static;

export interface CompletionRequest {
  model: string;
  stream: boolean;
  messages: ChatMessage[];
  /** Whether the client itself asked for the usage chunk on a stream. */
  wantsUsage: boolean;
  /** The whole request as sent, unknown fields included, for the upstream. */
  body: Record<string, unknown>;
}

export interface SeedChatRequest {
  message: string;
  model: string | undefined;
  stream: boolean;
}

/** A JSON value that is not an object is a malformed request (400), not a bad field. */
function assertObject(body: unknown): asserts body is Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new HttpError("bad_request", "Request body must be a JSON object");
}

/** Validates an OpenAI chat-completions request against its schema; throws 400/422 naming the bad field. */
export function parseCompletionRequest(body: unknown, defaultModel: string): CompletionRequest {
  assertObject(body);
  const b = parsePayload(chatCompletionBody, body);
  return { model: b.model ?? defaultModel, stream: b.stream === true, messages: b.messages as ChatMessage[], wantsUsage: b.stream_options?.include_usage === true, body };
}

/** Validates the seed's {message, model?, stream = true} against its schema; throws 400/422 naming the bad field. */
export function parseSeedChat(body: unknown): SeedChatRequest {
  assertObject(body);
  const b = parsePayload(seedChatBody, body);
  return { message: b.message, model: b.model, stream: b.stream ?? true };
}

/** OpenAI's completion as the upstream sends it (its other fields pass through). */
export const chatCompletionSchema = t.Object({
  id: t.String(),
  object: t.Literal("chat.completion"),
  created: t.Integer(),
  model: t.String(),
  choices: t.Array(t.Object({
    index: t.Integer(),
    message: t.Object({ role: t.String(), content: t.Union([t.String(), t.Null()]) }, { additionalProperties: true }),
    finish_reason: t.Union([t.String(), t.Null()]),
  }, { additionalProperties: true })),
  usage: t.Optional(t.Object({ prompt_tokens: t.Integer(), completion_tokens: t.Integer(), total_tokens: t.Integer() }, { additionalProperties: true })),
}, { $id: "ChatCompletion", additionalProperties: true });

/** The seed's non-stream reply. */
export const seedChatResponseSchema = t.Object({
  response: t.String(),
  model: t.String(),
  tokens_used: t.Integer(),
  cost: t.Number({ description: "USD" }),
}, { $id: "SeedChatResponse" });
