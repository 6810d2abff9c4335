// Delivers queued webhook events: signed POSTs with a 10 s timeout, retried with exponential backoff for 24 hours;
// a webhook failing for 24 hours is disabled. Each instance runs one loop; rows are claimed FOR UPDATE SKIP LOCKED.
import { and, asc, eq, inArray, isNull, lte } from "drizzle-orm";
import type { Db } from "../db/mod.ts";
import { webhookDeliveries, webhooks } from "../db/schema/mod.ts";
import type { Logger } from "../log.ts";
import { backoffMs, type Sender, startLoop } from "../mail/mod.ts";
import { checkWebhookUrl } from "./guard.ts";
import { signatureHeader } from "./signature.ts";
import type { Delivery, Webhook } from "./store.ts";

export const RETRY_FOR_MS = 24 * 3600_000;
const TIMEOUT_MS = 10_000;
const CLAIM_MS = 60_000;
const BATCH = 20;

export interface WebhookSenderOptions {
  log: Logger;
  allowPrivate: boolean;
  retryBaseMs: number;
  pollMs: number;
  /** Told once when a webhook is disabled after failing for 24 hours (the owner is mailed). */
  onDisabled(hook: Webhook): void;
}

async function claimDue(db: Db): Promise<Delivery[]> {
  return await db.transaction(async (tx) => {
    const due = await tx.select().from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.status, "pending"), lte(webhookDeliveries.nextAttemptAt, new Date())))
      .orderBy(asc(webhookDeliveries.id)).limit(BATCH).for("update", { skipLocked: true });
    if (due.length > 0) await tx.update(webhookDeliveries).set({ nextAttemptAt: new Date(Date.now() + CLAIM_MS) }).where(inArray(webhookDeliveries.id, due.map((d) => d.id)));
    return due;
  });
}

/** One POST of `delivery` to `hook`: the status code, or the reason it could not be made. */
async function post(hook: Webhook, delivery: Delivery, allowPrivate: boolean): Promise<{ status: number | null; error: string | null }> {
  const allowed = await checkWebhookUrl(hook.url, { allowPrivate });
  if (!allowed.ok) return { status: null, error: `refused: ${allowed.reason}` };
  try {
    const response = await fetch(hook.url, {
      method: "POST",
      // A redirect could lead to a private address: it counts as a failure instead.
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
      headers: { "content-type": "application/json", "user-agent": "AIHub-Webhooks/1", "aihub-signature": signatureHeader(hook.secret, delivery.payload), "aihub-event-id": delivery.eventId },
      body: delivery.payload,
    });
    await response.body?.cancel().catch(() => {});
    return { status: response.status, error: response.ok ? null : `HTTP ${response.status}` };
  } catch (error) {
    return { status: null, error: (error as Error).name === "TimeoutError" ? "timed out after 10 s" : (error as Error).message.slice(0, 300) };
  }
}

/** Records how one attempt went: delivered, retried later, or given up after 24 hours (disabling a webhook failing that long). */
async function record(db: Db, hook: Webhook, delivery: Delivery, result: { status: number | null; error: string | null }, options: WebhookSenderOptions): Promise<void> {
  const now = new Date();
  const attempts = delivery.attempts + 1;
  if (result.error === null) {
    await db.update(webhookDeliveries).set({ status: "delivered", attempts, responseCode: result.status, lastError: null, deliveredAt: now }).where(eq(webhookDeliveries.id, delivery.id));
    if (hook.failingSince) await db.update(webhooks).set({ failingSince: null }).where(eq(webhooks.id, hook.id));
    return;
  }
  const expired = now.getTime() - delivery.createdAt.getTime() >= RETRY_FOR_MS;
  await db.update(webhookDeliveries).set({
    status: expired ? "failed" : "pending",
    attempts,
    responseCode: result.status,
    lastError: result.error,
    nextAttemptAt: new Date(now.getTime() + backoffMs(options.retryBaseMs, attempts)),
  }).where(eq(webhookDeliveries.id, delivery.id));
  if (!hook.failingSince) {
    await db.update(webhooks).set({ failingSince: now }).where(and(eq(webhooks.id, hook.id), isNull(webhooks.failingSince)));
  } else if (now.getTime() - hook.failingSince.getTime() >= RETRY_FOR_MS) {
    // Only the instance whose update flips it gets the row back: the owner is mailed once.
    const [disabled] = await db.update(webhooks).set({ isActive: false, disabledAt: now }).where(and(eq(webhooks.id, hook.id), eq(webhooks.isActive, true))).returning();
    if (disabled) {
      await db.update(webhookDeliveries).set({ status: "failed", lastError: "webhook disabled" }).where(and(eq(webhookDeliveries.webhookId, hook.id), eq(webhookDeliveries.status, "pending")));
      options.onDisabled(disabled);
    }
  }
}

/** Starts this instance's delivery loop. */
export function startWebhookSender(db: Db, options: WebhookSenderOptions): Sender {
  const round = async () => {
    const due = await claimDue(db);
    if (due.length === 0) return 0;
    const hooks = new Map((await db.select().from(webhooks).where(inArray(webhooks.id, [...new Set(due.map((d) => d.webhookId))]))).map((h) => [h.id, h]));
    await Promise.all(due.map(async (delivery) => {
      const hook = hooks.get(delivery.webhookId);
      if (!hook || !hook.isActive || hook.deletedAt) {
        await db.update(webhookDeliveries).set({ status: "failed", lastError: "webhook deleted or disabled" }).where(eq(webhookDeliveries.id, delivery.id));
        return;
      }
      await record(db, hook, delivery, await post(hook, delivery, options.allowPrivate), options);
    }));
    return due.length;
  };
  return startLoop(round, { pollMs: options.pollMs, log: options.log, name: "webhook sender" });
}
