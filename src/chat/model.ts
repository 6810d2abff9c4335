// Request payloads of the chat routes: OpenAI's shape (unknown fields passed through) and the seed's simple one.
import { HttpError } from "../http/errors.ts";

export interface ChatMessage {
  role: string;
  content?: unknown;
  [field: string]: unknown;
}

export interface CompletionRequest {
  model: string;
  stream: boolean;
  messages: ChatMessage[];
  /** Whether the client itself asked for the usage chunk on a stream. */
  wantsUsage: boolean;
  /** The whole request as sent, unknown fields included, for the upstream. */
  body: Record<string, unknown>;
}

const ROLES = new Set(["system", "user", "assistant", "tool", "function", "developer"]);

/** Validates an OpenAI chat-completions request; throws 400/422 naming the bad field. */
export function parseCompletionRequest(body: unknown, defaultModel: string): CompletionRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError("bad_request", "Request body must be a JSON object", { param: null });
  }
  const b = body as Record<string, unknown>;
  if (b.model !== undefined && (typeof b.model !== "string" || b.model.length === 0 || b.model.length > 200)) {
    throw new HttpError("validation", "Invalid field 'model': must be a model id string", { param: "model" });
  }
  if (b.stream !== undefined && b.stream !== null && typeof b.stream !== "boolean") {
    throw new HttpError("validation", "Invalid field 'stream': must be a boolean", { param: "stream" });
  }
  if (b.messages === undefined) throw new HttpError("validation", "Missing field 'messages'", { param: "messages" });
  if (!Array.isArray(b.messages) || b.messages.length === 0) {
    throw new HttpError("validation", "Invalid field 'messages': must be a non-empty array", { param: "messages" });
  }
  b.messages.forEach((m: unknown, i: number) => {
    if (typeof m !== "object" || m === null || Array.isArray(m)) throw new HttpError("validation", `Invalid field 'messages[${i}]': must be an object`, { param: `messages[${i}]` });
    const msg = m as Record<string, unknown>;
    if (typeof msg.role !== "string" || !ROLES.has(msg.role)) throw new HttpError("validation", `Invalid field 'messages[${i}].role': must be one of ${[...ROLES].join(", ")}`, { param: `messages[${i}].role` });
    if (msg.content !== undefined && msg.content !== null && typeof msg.content !== "string" && !Array.isArray(msg.content)) {
      throw new HttpError("validation", `Invalid field 'messages[${i}].content': must be a string or an array of parts`, { param: `messages[${i}].content` });
    }
  });
  if (b.stream_options !== undefined && b.stream_options !== null && typeof b.stream_options !== "object") {
    throw new HttpError("validation", "Invalid field 'stream_options': must be an object", { param: "stream_options" });
  }
  const wantsUsage = (b.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  return { model: (b.model as string | undefined) ?? defaultModel, stream: b.stream === true, messages: b.messages as ChatMessage[], wantsUsage, body: b };
}

export interface SeedChatRequest {
  message: string;
  model: string | undefined;
  stream: boolean;
}

const SEED_FIELDS = new Set(["message", "model", "stream"]);

/** Validates the seed's {message, model?, stream = true}; throws 400/422 naming the bad field. */
export function parseSeedChat(body: unknown): SeedChatRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new HttpError("bad_request", "Request body must be a JSON object");
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).find((k) => !SEED_FIELDS.has(k));
  if (unknown) throw new HttpError("validation", `Unknown field '${unknown}'`, { param: unknown });
  if (b.message === undefined) throw new HttpError("validation", "Missing field 'message'", { param: "message" });
  if (typeof b.message !== "string" || b.message.length === 0 || b.message.length > 200_000) {
    throw new HttpError("validation", "Invalid field 'message': must be a string of 1–200,000 characters", { param: "message" });
  }
  if (b.model !== undefined && (typeof b.model !== "string" || b.model.length === 0 || b.model.length > 200)) {
    throw new HttpError("validation", "Invalid field 'model': must be a model id string", { param: "model" });
  }
  if (b.stream !== undefined && typeof b.stream !== "boolean") throw new HttpError("validation", "Invalid field 'stream': must be a boolean", { param: "stream" });
  return { message: b.message, model: b.model as string | undefined, stream: (b.stream as boolean | undefined) ?? true };
}
