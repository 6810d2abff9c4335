// Request payloads of the API keys API.
import { t } from "elysia";
import { multilineText, singleLineText } from "../http/text.ts";

export const createKeyBody = t.Object({
  name: singleLineText({ minLength: 1, maxLength: 100 }),
  description: t.Optional(t.Union([multilineText({ maxLength: 500 }), t.Null()])),
  // Ranges are checked by validateKeyInput(), whose messages name the allowed range for this user.
  rate_limit: t.Optional(t.Union([t.Number(), t.Null()])),
  expires_in_days: t.Optional(t.Union([t.Number(), t.Null()])),
}, { additionalProperties: false });
export type CreateKeyBody = typeof createKeyBody.static;
