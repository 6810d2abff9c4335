// Reads request bodies with a size cap, so an oversized or malformed body is a clear 413/400, never a 500.
import { HttpError } from "./errors.ts";

export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads the body as text, refusing more than `limit` bytes (checked while streaming, not only by Content-Length). */
export async function readBodyText(request: Request, limit = MAX_BODY_BYTES): Promise<string> {
  const tooLarge = () => new HttpError("payload_too_large", `Request body is larger than ${limit / 1024 / 1024} MiB`);
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (declared > limit) throw tooLarge();
  // A declared, acceptable length: let the runtime read it natively (before touching .body, which locks it).
  if (Number.isFinite(declared)) return await request.text();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** Parses a JSON request body, or throws 400 naming the problem. */
export async function readJsonBody(request: Request, options: { limit?: number; allowEmpty?: boolean } = {}): Promise<unknown> {
  const text = await readBodyText(request, options.limit ?? MAX_BODY_BYTES);
  if (text.trim() === "" && options.allowEmpty) return undefined;
  if (text.trim() === "") throw new HttpError("invalid_json", "Request body is empty: expected a JSON object");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError("invalid_json", `Request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** Parses an application/x-www-form-urlencoded body into a plain object of strings. */
export async function readFormBody(request: Request, limit = MAX_BODY_BYTES): Promise<Record<string, string>> {
  const text = await readBodyText(request, limit);
  return Object.fromEntries(new URLSearchParams(text));
}
