// The API keys API: /api/v1/developer/api-keys.
import { Elysia } from "elysia";
import type { Database } from "../db/mod.ts";
import { accountAuth } from "../auth/mod.ts";
import { ACCOUNT_ERRORS, HttpError, operation } from "../http/mod.ts";
import { apiKeyListSchema, createdKeySchema, createKeyBody, keyIdParams } from "./model.ts";
import { createApiKey, type CreateKeyRefusal, keyView, listApiKeys, revokeApiKey, type UpdateKeyRefusal } from "./store.ts";

/** What the API keys routes need. */
export interface KeysDeps {
  database: Pick<Database, "db">;
  config: { readonly jwtSecret: string; readonly sessionTtlHours: number; readonly admin: { readonly idleMinutes: number }; readonly notifications: { readonly requireEmailVerification: boolean } };
  /** Tells every instance's key cache that a key was revoked. */
  onKeyRevoked(keyHash: string): void;
  /** Tells every instance's key cache that a key's settings (rate limit, expiry, name) changed. */
  onKeyChanged(keyHash: string): void;
}

/** The HTTP error for a refused key operation (the API and the console show the same). */
export function keyRefusal(refusal: CreateKeyRefusal | UpdateKeyRefusal, action: "create" | "update" = "create"): HttpError {
  switch (refusal.code) {
    case "user_not_found":
      return new HttpError("unauthorized", "User not found");
    case "email_not_verified":
      return new HttpError("forbidden", "Email not verified", { reason: { kind: "email_not_verified" } });
    case "rate_limit_above_plan":
      return new HttpError("validation", `Cannot ${action} API key: rate_limit must be an integer from 1 to ${refusal.ceiling} (your plan's limit)`, { param: "rate_limit", reason: { kind: "rate_limit_above_plan", ceiling: refusal.ceiling } });
    case "expiry_out_of_range":
      return new HttpError("validation", `Cannot update API key: expires_on must be a date from tomorrow to ${refusal.max}, or empty for no expiry`, { param: "expires_on" });
    case "key_revoked":
      return new HttpError("conflict", "Cannot update API key: it is revoked", { reason: { kind: "key_revoked" } });
    case "key_limit_reached":
      return new HttpError("forbidden", `Maximum number of API keys (${refusal.max}) reached for your plan`, { reason: { kind: "key_limit", max: refusal.max } });
    case "not_found":
      return new HttpError("not_found", "API key not found", { reason: { kind: "key_not_found" } });
  }
}

/** The API keys routes (account auth). */
export function keysRoutes(deps: KeysDeps) {
  const { database: { db }, config } = deps;
  return new Elysia({ prefix: "/api/v1/developer/api-keys" })
    .use(accountAuth(db, config.jwtSecret, config.sessionTtlHours, { adminIdleMinutes: config.admin.idleMinutes }))
    .post("/", async ({ account, body, set }) => {
      const created = await createApiKey(db, account.user.id, {
        name: body.name,
        description: body.description,
        rateLimit: body.rate_limit,
        expiresInDays: body.expires_in_days,
        requireVerifiedEmail: config.notifications.requireEmailVerification,
      });
      if (!created.ok) throw keyRefusal(created);
      set.status = 201;
      return { ...keyView(created.key), key: created.secret };
    }, {
      body: createKeyBody,
      response: { 201: createdKeySchema },
      detail: operation({
        operationId: "createApiKey", summary: "Create a key; the secret is returned this once", tag: "api keys", access: "account",
        success: { status: 201, description: "Created" },
        errors: { ...ACCOUNT_ERRORS, 400: "The body is not JSON", 403: "Maximum number of API keys (N) reached for your plan, Email not verified (REQUIRE_EMAIL_VERIFICATION), or the account is disabled", 413: "The body is larger than 1 MiB", 422: "A field is missing or invalid, or rate_limit is above the plan's limit" },
      }),
    })
    .get("/", async ({ account }) => (await listApiKeys(db, account.user.id)).map(keyView), {
      response: { 200: apiKeyListSchema },
      detail: operation({ operationId: "listApiKeys", summary: "Your keys, newest first (never the secret)", tag: "api keys", access: "account", errors: ACCOUNT_ERRORS }),
    })
    .delete("/:id", async ({ account, params, set }) => {
      const id = Number(params.id);
      const revoked = Number.isSafeInteger(id) && id > 0 ? await revokeApiKey(db, account.user.id, id) : { ok: false, code: "not_found" } as const;
      if (!revoked.ok) throw keyRefusal(revoked);
      deps.onKeyRevoked(revoked.key.keyHash);
      set.status = 204;
      return null;
    }, {
      params: keyIdParams,
      detail: operation({ operationId: "revokeApiKey", summary: "Revoke a key (it stays listed, inactive)", tag: "api keys", access: "account", success: { status: 204, description: "Revoked" }, errors: { ...ACCOUNT_ERRORS, 404: "API key not found (also for another user's key)" } }),
    });
}
