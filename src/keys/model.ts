// Request payloads of the API keys API.
import { t } from "elysia";

export const createKeyBody = t.Object({
  name: t.String({ minLength: 1, maxLength: 100 }),
  description: t.Optional(t.Union([t.String({ maxLength: 500 }), t.Null()])),
  rate_limit: t.Optional(t.Union([t.Integer({ minimum: 1 }), t.Null()])),
  expires_in_days: t.Optional(t.Union([t.Integer({ minimum: 1, maximum: 3650 }), t.Null()])),
}, { additionalProperties: false });
export type CreateKeyBody = typeof createKeyBody.static;
