// The developer API: OpenAI-compatible /v1/... and the seed's /api/v1/developer/chat and /models.
import { Elysia } from "elysia";
import type { AppDeps } from "../app.ts";
import type { ModelConfig } from "../config.ts";
import { readJsonBody } from "../http/body.ts";
import { HttpError } from "../http/errors.ts";
import { keyAuth } from "../keys/key_auth.ts";
import { admitCall, type DeveloperCall, limitHeaders, settleCall } from "../usage/metering.ts";
import { findModel, providerOf } from "./catalog.ts";
import { runChat } from "./gateway.ts";
import { parseCompletionRequest, parseSeedChat } from "./model.ts";

/**
 * Records a call refused for its input (bad body, unknown model): it counts toward the key's rate limit
 * like every authenticated call (so refusals cannot be sent without limit) but never toward the quota.
 */
async function refuse(deps: AppDeps, call: DeveloperCall, error: unknown): Promise<never> {
  if (!(error instanceof HttpError) || call.settled) throw error;
  await admitCall(deps, call, { countsQuota: false });
  await settleCall(deps, call, { status: error.status, outcome: error.code === "model_not_found" ? "model_not_found" : "invalid_request", error: error.message });
  throw error;
}

function modelOrThrow(deps: AppDeps, id: string): ModelConfig {
  const model = findModel(deps.config.models, id);
  if (!model) throw new HttpError("model_not_found", `The model '${id}' does not exist. GET /v1/models lists the available models.`, { param: "model" });
  return model;
}

/** A metered non-chat call (models, key): counts toward the rate limit, not the quota. */
async function meteredRead<T>(deps: AppDeps, call: DeveloperCall, set: { headers: Record<string, unknown> }, read: () => T): Promise<T> {
  try {
    await admitCall(deps, call, { countsQuota: false });
    await settleCall(deps, call, { status: 200, outcome: "ok" });
    return read();
  } finally {
    Object.assign(set.headers, limitHeaders(call));
  }
}

/** The developer-API routes (API-key auth). */
export function chatRoutes(deps: AppDeps) {
  const created = Math.floor(Date.now() / 1000);
  return new Elysia()
    .use(keyAuth(deps))
    // Bodies are read here, after the key is verified, so a bad body is a metered, recorded call too
    // (http/plugins.ts leaves these two routes' bodies unparsed).
    .post("/v1/chat/completions", async ({ call, request, set }) => {
      try {
        let parsed, model;
        try {
          parsed = parseCompletionRequest(await readJsonBody(request), deps.config.defaultModel);
          model = modelOrThrow(deps, parsed.model);
        } catch (error) {
          return await refuse(deps, call, error);
        }
        return await runChat(deps, call, model, parsed, { format: "openai", signal: request.signal });
      } finally {
        Object.assign(set.headers, limitHeaders(call));
      }
    })
    .get("/v1/models", ({ call, set }) => meteredRead(deps, call, set, () => ({
      object: "list",
      data: deps.config.models.map((m) => ({ id: m.id, object: "model", created, owned_by: providerOf(m), name: m.name, pricing: { input_per_million: m.inputPrice, output_per_million: m.outputPrice } })),
    })))
    .get("/v1/key", ({ call, set }) => meteredRead(deps, call, set, () => {
      const l = call.limits!;
      return {
        data: {
          name: call.key.name,
          key_prefix: call.key.keyPrefix,
          plan: call.key.plan,
          rate_limit: call.key.rateLimit,
          quota_limit: l.quotaLimit,
          quota_used: l.quotaUsed,
          quota_remaining: Math.max(0, l.quotaLimit - l.quotaUsed),
          quota_reset_at: new Date(l.quotaReset * 1000).toISOString(),
          expires_at: call.key.expiresAt?.toISOString() ?? null,
        },
      };
    }))
    .post("/api/v1/developer/chat", async ({ call, request, set }) => {
      try {
        let body, model;
        try {
          body = parseSeedChat(await readJsonBody(request));
          model = modelOrThrow(deps, body.model ?? deps.config.defaultModel);
        } catch (error) {
          return await refuse(deps, call, error);
        }
        const messages = [{ role: "user", content: body.message }];
        const stream = body.stream;
        return await runChat(deps, call, model, { model: model.id, stream, messages, wantsUsage: false, body: { model: model.id, messages, stream } }, { format: "seed", signal: request.signal });
      } finally {
        Object.assign(set.headers, limitHeaders(call));
      }
    })
    .get("/api/v1/developer/models", ({ call, set }) => meteredRead(deps, call, set, () => ({
      models: deps.config.models.map((m) => ({ id: m.id, name: m.name, provider: providerOf(m), type: "chat", free: m.free })),
    })));
}
