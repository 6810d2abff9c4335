// Payloads of the API keys API as `t` schemas: requests (validated by the routes and the console form) and responses.
import { t } from "elysia";
import { jsonInteger } from "../http/mod.ts";
import { multilineText, singleLineText } from "../http/text.ts";

const keyName = singleLineText({ minLength: 1, maxLength: 100, visible: true, error: "must be 1–100 characters, not all blank" });
const keyDescription = t.Union([multilineText({ maxLength: 500 }), t.Null()], { error: "must be at most 500 characters" });
// The ceiling depends on the user's plan, so the store checks it (createApiKey, updateApiKey); the schema only the floor.
const keyRateLimit = t.Union([jsonInteger({ minimum: 1 }), t.Null()], { error: "must be a whole number of requests per minute, at least 1", description: "Requests per minute, at most the plan's per-key limit; null for the plan's default" });

export const createKeyBody = t.Object({
  name: keyName,
  description: t.Optional(keyDescription),
  rate_limit: t.Optional(keyRateLimit),
  expires_in_days: t.Optional(t.Union([jsonInteger({ minimum: 1, maximum: 3650 }), t.Null()], { error: "must be a whole number of days from 1 to 3650" })),
}, { additionalProperties: false });
export type CreateKeyBody = typeof createKeyBody.static;

/**
 * A key's settings as the console edits them: the same rules as creation; the expiry is the last day (UTC) the key
 * works, from today up to 3650 days ahead (the creation limit), or null for none. The store checks the date's range.
 */
export const updateKeyBody = t.Object({
  name: keyName,
  description: keyDescription,
  rate_limit: keyRateLimit,
  expires_on: t.Union([t.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}$" }), t.Null()], { error: "must be a date (YYYY-MM-DD) from today to 3650 days ahead, or empty for no expiry" }),
}, { additionalProperties: false });
export type UpdateKeyBody = typeof updateKeyBody.static;

// Any string: an id that is not a positive whole number names no key (404), like another user's key.
export const keyIdParams = t.Object({ id: t.String({ maxLength: 20, description: "The key's id" }) });

const keyFields = {
  id: t.Integer(),
  key_prefix: t.String({ description: "The first 13 characters of the secret" }),
  name: t.String(),
  description: t.Union([t.String(), t.Null()]),
  is_active: t.Boolean(),
  rate_limit: t.Union([t.Integer(), t.Null()]),
  total_requests: t.Integer(),
  last_used_at: t.Union([t.String({ format: "date-time" }), t.Null()]),
  created_at: t.String({ format: "date-time" }),
  expires_at: t.Union([t.String({ format: "date-time" }), t.Null()]),
  is_expired: t.Boolean(),
};

export const apiKeySchema = t.Object(keyFields, { $id: "ApiKey" });
export type ApiKeyView = typeof apiKeySchema.static;

export const apiKeyListSchema = t.Array(apiKeySchema);

export const createdKeySchema = t.Object({ ...keyFields, key: t.String({ description: "The full secret, returned this once and never stored" }) }, { $id: "ApiKeyCreated" });
