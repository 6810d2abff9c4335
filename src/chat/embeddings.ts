// POST /v1/embeddings: its request (unknown fields passed through), its usage, and the demo model's local vectors.
import { HttpError } from "../http/errors.ts";
import { estimateTokens } from "./catalog.ts";

export interface EmbeddingsRequest {
  model: string;
  /** The inputs' text (token arrays as their numbers), for estimates and the demo. */
  texts: string[];
  /** The whole request as sent, for the upstream. */
  body: Record<string, unknown>;
}

const isTokens = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((n) => Number.isInteger(n));

/** Validates an OpenAI embeddings request; throws 400/422 naming the bad field. */
export function parseEmbeddingsRequest(body: unknown, defaultModel: string): EmbeddingsRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new HttpError("bad_request", "Request body must be a JSON object");
  const b = body as Record<string, unknown>;
  if (b.model !== undefined && (typeof b.model !== "string" || b.model.length === 0 || b.model.length > 200)) {
    throw new HttpError("validation", "Invalid field 'model': must be a model id string", { param: "model" });
  }
  if (b.input === undefined) throw new HttpError("validation", "Missing field 'input'", { param: "input" });
  const input = b.input;
  let texts: string[];
  if (typeof input === "string" && input.length > 0) texts = [input];
  else if (isTokens(input)) texts = [(input as number[]).join(" ")];
  else if (Array.isArray(input) && input.length > 0 && input.length <= 2048 && input.every((x) => (typeof x === "string" && x.length > 0) || isTokens(x))) {
    texts = input.map((x) => (typeof x === "string" ? x : (x as number[]).join(" ")));
  } else {
    throw new HttpError("validation", "Invalid field 'input': must be a non-empty string, an array of up to 2,048 non-empty strings, or token arrays", { param: "input" });
  }
  if (b.encoding_format !== undefined && b.encoding_format !== "float" && b.encoding_format !== "base64") {
    throw new HttpError("validation", "Invalid field 'encoding_format': must be float or base64", { param: "encoding_format" });
  }
  if (b.dimensions !== undefined && (!Number.isInteger(b.dimensions) || (b.dimensions as number) < 1 || (b.dimensions as number) > 4096)) {
    throw new HttpError("validation", "Invalid field 'dimensions': must be an integer from 1 to 4,096", { param: "dimensions" });
  }
  return { model: (b.model as string | undefined) ?? defaultModel, texts, body: b };
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
