// Webhooks: registration, signed deliveries from a durable queue, and the private-address guard.
export { checkWebhookUrl, isPrivateAddress } from "./guard.ts";
export { createWebhookBody, EVENT_TYPES } from "./model.ts";
export { registerWebhook, webhookId, webhooksRoutes } from "./routes.ts";
export type { WebhooksDeps } from "./routes.ts";
export { RETRY_FOR_MS, startWebhookSender } from "./sender.ts";
export type { WebhookSenderOptions } from "./sender.ts";
export { signatureHeader, verifySignature } from "./signature.ts";
export { createWebhook, deleteWebhook, deliveryView, emitEvent, findWebhook, listDeliveries, listWebhooks, queueTestEvent, webhookView } from "./store.ts";
export type { Delivery, EventType, Webhook } from "./store.ts";
