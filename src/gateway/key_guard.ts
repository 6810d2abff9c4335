// Guards developer-API routes with an API key, verified in a fixed order, and starts the metered call.
import { Elysia } from "elysia";
import { HttpError } from "../http/mod.ts";
import { type DeveloperCall, startCall } from "./call.ts";
import type { GatewayDeps } from "./deps.ts";

/** Reads the API key from `Authorization: Bearer …` (or `x-api-key`, as some clients send it). */
export function presentedApiKey(headers: { authorization?: string | null; "x-api-key"?: string | null }): string | null {
  const auth = headers.authorization;
  if (auth?.toLowerCase().startsWith("bearer ")) return auth.slice(7).trim() || null;
  return headers["x-api-key"]?.trim() || null;
}

/** Verifies `secret` and starts the call `requestId` at `path` as that key's; throws the 401/403/503 to answer. */
export async function guardCall(deps: Pick<GatewayDeps, "keys" | "log">, secret: string | null, path: string, requestId: string): Promise<DeveloperCall> {
  if (!secret) throw new HttpError("invalid_api_key", "Missing or invalid API key");
  let verdict;
  try {
    verdict = await deps.keys.verify(secret);
  } catch (error) {
    deps.log.error("key verification failed", { error });
    throw new HttpError("unavailable", "Cannot verify the API key: the database is unavailable. Retry shortly.", { headers: { "retry-after": "1" } });
  }
  if (!verdict.valid && verdict.code === "USER_DISABLED") throw new HttpError("forbidden", "Account disabled");
  if (!verdict.valid) throw new HttpError("invalid_api_key", "Invalid or expired API key");
  return startCall(verdict.key, path, requestId);
}

/** Resolves `call` (a verified key, metered from here on) for developer-API routes; 401 otherwise. */
export function keyGuard(deps: Pick<GatewayDeps, "keys" | "log">) {
  return new Elysia({ name: "key-guard" })
    .derive({ as: "scoped" }, async ({ headers, path, set }) => ({ call: await guardCall(deps, presentedApiKey(headers), path, String(set.headers["x-request-id"])) }));
}
