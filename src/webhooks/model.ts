// Payloads of the webhooks API.
import { t } from "elysia";

/** The events a webhook can subscribe to. */
export const EVENT_TYPES = ["quota.threshold", "key.expiring", "key.revoked"] as const;
const EVENT_LIST = EVENT_TYPES.join(", ");

export const createWebhookBody = t.Object({
  url: t.String({ minLength: 8, maxLength: 2048, error: "must be an http:// or https:// URL of at most 2,048 characters" }),
  // Each item carries its own message: without one, an unknown name read "should be one of: 'string', 'string', 'string'".
  events: t.Array(t.Union(EVENT_TYPES.map((type) => t.Literal(type)), { error: `must be one of ${EVENT_LIST}` }), { minItems: 1, maxItems: EVENT_TYPES.length, error: `must list one or more of ${EVENT_LIST}` }),
}, { additionalProperties: false });

export const webhookSchema = t.Object({
  id: t.Integer(),
  url: t.String(),
  events: t.Array(t.String()),
  is_active: t.Boolean(),
  created_at: t.String({ format: "date-time" }),
  disabled_at: t.Union([t.String({ format: "date-time" }), t.Null()]),
}, { $id: "Webhook" });
export const createdWebhookSchema = t.Composite([webhookSchema, t.Object({ secret: t.String({ description: "Signs every delivery; shown this once" }) })], { $id: "CreatedWebhook" });
export const webhookListSchema = t.Object({ webhooks: t.Array(webhookSchema) });
export const deliverySchema = t.Object({
  id: t.Integer(),
  event_id: t.String(),
  type: t.String(),
  status: t.String({ description: "pending, delivered or failed" }),
  attempts: t.Integer(),
  response_code: t.Union([t.Integer(), t.Null()]),
  last_error: t.Union([t.String(), t.Null()]),
  created_at: t.String({ format: "date-time" }),
  delivered_at: t.Union([t.String({ format: "date-time" }), t.Null()]),
}, { $id: "WebhookDelivery" });
export const deliveryListSchema = t.Object({ deliveries: t.Array(deliverySchema) });
export const webhookIdParams = t.Object({ id: t.String({ maxLength: 12 }) });
export const queuedResponse = t.Object({ message: t.String() });
