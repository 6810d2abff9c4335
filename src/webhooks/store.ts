// Webhooks and their events: registration, listing, deletion, and an event fanned out into durable deliveries.
import { randomBytes } from "node:crypto";
import { and, count, desc, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/mod.ts";
import { webhookDeliveries, webhooks } from "../db/schema/mod.ts";
import { EVENT_TYPES } from "./model.ts";

export type EventType = (typeof EVENT_TYPES)[number] | "webhook.test";
export type Webhook = typeof webhooks.$inferSelect;
export type Delivery = typeof webhookDeliveries.$inferSelect;
export const MAX_WEBHOOKS = 10;

/** The webhook as the API shows it (never the secret). */
export function webhookView(hook: Webhook) {
  return {
    id: hook.id,
    url: hook.url,
    events: hook.events.split(","),
    is_active: hook.isActive,
    created_at: hook.createdAt.toISOString(),
    disabled_at: hook.disabledAt?.toISOString() ?? null,
  };
}

/** A delivery as the API and the console show it. */
export function deliveryView(d: Delivery) {
  return { id: d.id, event_id: d.eventId, type: d.type, status: d.status, attempts: d.attempts, response_code: d.responseCode, last_error: d.lastError, created_at: d.createdAt.toISOString(), delivered_at: d.deliveredAt?.toISOString() ?? null };
}

/** Registers a webhook with a fresh secret (returned this once), up to MAX_WEBHOOKS per user. */
export async function createWebhook(db: Db, userId: number, input: { url: string; events: string[] }): Promise<{ ok: true; webhook: Webhook } | { ok: false; code: "too_many" }> {
  const [{ n }] = (await db.select({ n: count() }).from(webhooks).where(and(eq(webhooks.userId, userId), isNull(webhooks.deletedAt)))) as [{ n: number }];
  if (Number(n) >= MAX_WEBHOOKS) return { ok: false, code: "too_many" };
  const [webhook] = await db.insert(webhooks).values({ userId, url: input.url, events: [...new Set(input.events)].join(","), secret: `whsec_${randomBytes(24).toString("base64url")}` }).returning();
  return { ok: true, webhook: webhook! };
}

/** The user's webhooks, newest first. */
export async function listWebhooks(db: Db, userId: number): Promise<Webhook[]> {
  return await db.select().from(webhooks).where(and(eq(webhooks.userId, userId), isNull(webhooks.deletedAt))).orderBy(desc(webhooks.id));
}

/** The user's webhook `id`, or null (also for another user's). */
export async function findWebhook(db: Db, userId: number, id: number): Promise<Webhook | null> {
  const rows = await db.select().from(webhooks).where(and(eq(webhooks.id, id), eq(webhooks.userId, userId), isNull(webhooks.deletedAt))).limit(1);
  return rows[0] ?? null;
}

/** Deletes the user's webhook (its pending deliveries stop); false when it is not theirs. */
export async function deleteWebhook(db: Db, userId: number, id: number): Promise<boolean> {
  const rows = await db.update(webhooks).set({ deletedAt: new Date(), isActive: false })
    .where(and(eq(webhooks.id, id), eq(webhooks.userId, userId), isNull(webhooks.deletedAt))).returning({ id: webhooks.id });
  return rows.length > 0;
}

/** The latest deliveries of a webhook. */
export async function listDeliveries(db: Db, webhookId: number, limit = 20): Promise<Delivery[]> {
  return await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, webhookId)).orderBy(desc(webhookDeliveries.id)).limit(limit);
}

/** The body of an event: {id, type, created_at, data}, exactly the bytes that are signed and sent. */
function eventBody(type: EventType, data: Record<string, unknown>): { id: string; body: string } {
  const id = `evt_${crypto.randomUUID().replaceAll("-", "")}`;
  return { id, body: JSON.stringify({ id, type, created_at: new Date().toISOString(), data }) };
}

/** Queues `type` for every active webhook of `userId` subscribed to it; returns how many deliveries were queued. */
export async function emitEvent(db: Db, userId: number, type: EventType, data: Record<string, unknown>): Promise<number> {
  const hooks = (await db.select().from(webhooks).where(and(eq(webhooks.userId, userId), eq(webhooks.isActive, true), isNull(webhooks.deletedAt))))
    .filter((h) => h.events.split(",").includes(type));
  if (hooks.length === 0) return 0;
  const { id, body } = eventBody(type, data);
  await db.insert(webhookDeliveries).values(hooks.map((h) => ({ webhookId: h.id, eventId: id, type, payload: body })));
  return hooks.length;
}

/** Queues a `webhook.test` event for one webhook (the console's "send test event"). */
export async function queueTestEvent(db: Db, hook: Webhook): Promise<void> {
  const { id, body } = eventBody("webhook.test", { webhook_id: hook.id, message: "This is a test event from AI Hub." });
  await db.insert(webhookDeliveries).values({ webhookId: hook.id, eventId: id, type: "webhook.test", payload: body });
}
