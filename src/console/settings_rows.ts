// What the settings page shows of sessions and webhooks: rows for the views, loaded through the services.
import { listSessions, type Session } from "../auth/mod.ts";
import type { Db } from "../db/mod.ts";
import { type Delivery, listDeliveries, listWebhooks, type Webhook } from "../webhooks/mod.ts";
import type { DeliveryRow, SessionRow, WebhookRow } from "../../views/types.ts";

const BROWSERS: Array<[RegExp, string]> = [[/Edg\//, "Edge"], [/OPR\/|Opera/, "Opera"], [/Firefox\//, "Firefox"], [/Chrom(e|ium)\//, "Chrome"], [/Safari\//, "Safari"], [/^curl\//, "curl"]];
const SYSTEMS: Array<[RegExp, string]> = [[/Android/, "Android"], [/iPhone|iPad|iPod/, "iOS"], [/Windows/, "Windows"], [/Mac OS X|Macintosh/, "macOS"], [/CrOS/, "ChromeOS"], [/Linux/, "Linux"]];

/** "Chrome · Linux" from a user agent, or null when it names neither a known browser nor a known system. */
export function describeDevice(userAgent: string | null): string | null {
  if (!userAgent) return null;
  const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1];
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1];
  return [browser, system].filter(Boolean).join(" · ") || null;
}

/** A session as the sessions table shows it; `unknown` names a device nothing could be told about. */
export function sessionRow(session: Session, currentId: string | null, unknown: string): SessionRow {
  return {
    id: session.id,
    device: describeDevice(session.userAgent) ?? (session.userAgent?.slice(0, 60) || unknown),
    userAgent: session.userAgent,
    ip: session.ip,
    createdAt: session.createdAt.toISOString(),
    lastSeenAt: session.lastSeenAt.toISOString(),
    current: session.id === currentId,
  };
}

function deliveryRow(d: Delivery): DeliveryRow {
  return { type: d.type, status: d.status, responseCode: d.responseCode, attempts: d.attempts, createdAt: d.createdAt.toISOString(), lastError: d.lastError };
}

function webhookRow(hook: Webhook, deliveries: Delivery[]): WebhookRow {
  return { id: hook.id, url: hook.url, events: hook.events.split(","), active: hook.isActive, createdAt: hook.createdAt.toISOString(), deliveries: deliveries.map(deliveryRow) };
}

/** The user's live sessions, this one marked. */
export async function sessionRows(db: Db, userId: number, currentId: string | null, unknown: string): Promise<SessionRow[]> {
  return (await listSessions(db, userId)).map((s) => sessionRow(s, currentId, unknown));
}

/** The user's webhooks, each with its five latest deliveries. */
export async function webhookRows(db: Db, userId: number): Promise<WebhookRow[]> {
  const hooks = await listWebhooks(db, userId);
  return await Promise.all(hooks.map(async (hook) => webhookRow(hook, await listDeliveries(db, hook.id, 5))));
}
