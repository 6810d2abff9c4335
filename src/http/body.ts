// Reads request bodies with a size cap, so an oversized or malformed body is a clear 413/400, never a 500.
import { HttpError } from "./errors.ts";

export const MAX_BODY_BYTES = 1024 * 1024;
/** JSON bodies nested deeper than this are refused before parsing. */
export const MAX_JSON_DEPTH = 32;
/** JSON bodies with more array items plus object members than this, in all, are refused before parsing. */
export const MAX_JSON_ELEMENTS = 10_000;

const QUOTE = 34, BACKSLASH = 92, COMMA = 44, OPEN_ARRAY = 91, CLOSE_ARRAY = 93, OPEN_OBJECT = 123, CLOSE_OBJECT = 125;

/**
 * Refuses JSON text nested deeper than MAX_JSON_DEPTH or holding more than MAX_JSON_ELEMENTS elements, in one linear
 * pass with no recursion, so a hostile body costs O(n) before JSON.parse and schema validation ever walk it.
 * Malformed text is left for JSON.parse to report.
 */
export function checkJsonShape(text: string, limits: { depth?: number; elements?: number } = {}): void {
  const maxDepth = limits.depth ?? MAX_JSON_DEPTH;
  const maxElements = limits.elements ?? MAX_JSON_ELEMENTS;
  let depth = 0;
  // Each container and each comma outside strings stands for (at most) one element: an upper bound, never an undercount.
  let elements = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > maxDepth) throw new HttpError("invalid_json", `Request body is nested deeper than ${maxDepth} levels`);
      if (++elements > maxElements) throw tooManyElements(maxElements);
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    } else if (c === COMMA) {
      if (++elements > maxElements) throw tooManyElements(maxElements);
    }
  }
}

function tooManyElements(max: number): HttpError {
  return new HttpError("invalid_json", `Request body has more than ${max.toLocaleString("en-US")} array items and object members in all`);
}

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
  checkJsonShape(text);
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
