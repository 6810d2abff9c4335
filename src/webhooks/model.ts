// Payloads of the webhooks API.
import { t } from "elysia";

export const createWebhookBody = t.Object({
  url: t.String({ minLength: 8, maxLength: 2048, error: "must be an http:// or https:// URL of at most 2,048 characters" }),
  events: t.Array(t.Union([t.Literal("quota.threshold"), t.Literal("key.expiring"), t.Literal("key.revoked")]), { minItems: 1, maxItems: 3, error: "must list one or more of quota.threshold, key.expiring, key.revoked" }),
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
