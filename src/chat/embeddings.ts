// POST /v1/embeddings: its request (unknown fields passed through), its usage, and the demo model's local vectors.
import { t } from "elysia";
import { HttpError, jsonInteger, parsePayload } from "../http/mod.ts";
import { estimateTokens } from "./catalog.ts";

export interface EmbeddingsRequest {
  model: string;
  /** The inputs' text (token arrays as their numbers), for estimates and the demo. */
  texts: string[];
  /** The whole request as sent, for the upstream. */
  body: Record<string, unknown>;
}

const tokens = t.Array(jsonInteger(), { minItems: 1 });
const text = t.String({ minLength: 1 });

export const embeddingsBody = t.Object({
  model: t.Optional(t.String({ minLength: 1, maxLength: 200, error: "must be a model id string" })),
  input: t.Union([text, tokens, t.Array(t.Union([text, tokens]), { minItems: 1, maxItems: 2048 })], { error: "must be a non-empty string, an array of up to 2,048 non-empty strings, or token arrays" }),
  encoding_format: t.Optional(t.UnionEnum(["float", "base64"], { default: undefined, error: "must be float or base64" })),
  dimensions: t.Optional(jsonInteger({ minimum: 1, maximum: 4096, error: "must be an integer from 1 to 4,096" })),
}, { $id: "EmbeddingsRequest", additionalProperties: true, description: "OpenAI's embeddings request; unknown fields are passed to the upstream." });

/** Validates an OpenAI embeddings request against its schema; throws 400/422 naming the bad field. */
export function parseEmbeddingsRequest(body: unknown, defaultModel: string): EmbeddingsRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new HttpError("bad_request", "Request body must be a JSON object");
  const b = parsePayload(embeddingsBody, body);
  const input = b.input;
  const asText = (x: string | number[]) => (typeof x === "string" ? x : x.join(" "));
  const texts = typeof input === "string" ? [input] : input.every((x) => typeof x === "number") ? [(input as number[]).join(" ")] : (input as Array<string | number[]>).map(asText);
  return { model: b.model ?? defaultModel, texts, body: body as Record<string, unknown> };
}

/** Estimated prompt tokens of the inputs. */
export function estimateEmbeddingTokens(texts: readonly string[]): number {
  return texts.reduce((sum, t) => sum + estimateTokens(t), 0);
}

/** A deterministic unit vector for `text` (a hash spread over `dimensions`): similar calls, same vectors. */
export function demoVector(text: string, dimensions: number): Float32Array {
  const vector = new Float32Array(dimensions);
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  for (let i = 0; i < dimensions; i++) {
    h = Math.imul(h ^ (h >>> 15), 2246822507) ^ i;
    vector[i] = ((h >>> 0) / 4294967296) * 2 - 1;
  }
  const norm = Math.hypot(...vector) || 1;
  for (let i = 0; i < dimensions; i++) vector[i]! /= norm;
  return vector;
}

/** The demo model's embeddings answer, in OpenAI's shape (base64 when asked, as the official SDK does by default). */
export function demoEmbeddingsResponse(request: { model: string; texts: readonly string[]; body: Record<string, unknown> }): Response {
  const dimensions = (request.body.dimensions as number | undefined) ?? 256;
  const base64 = request.body.encoding_format === "base64";
  const data = request.texts.map((text, index) => {
    const vector = demoVector(text, dimensions);
    return { object: "embedding", index, embedding: base64 ? Buffer.from(vector.buffer).toString("base64") : Array.from(vector) };
  });
  const tokens = estimateEmbeddingTokens(request.texts);
  return Response.json({ object: "list", data, model: request.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
}
