// The audit log: one append-only row per admin action (API, console or command), secrets masked before they are stored.
import { and, desc, eq, gte, ilike, lt, type SQL } from "drizzle-orm";
import type { Db } from "../db/mod.ts";
import { auditLog } from "../db/schema/mod.ts";

export interface Actor {
  id: number | null;
  email: string;
  channel: "api" | "console" | "command";
}

export interface AuditEntry {
  id: number;
  at: string;
  actor_email: string;
  channel: string;
  action: string;
  target: string;
  before: unknown;
  after: unknown;
}

const SECRET_FIELD = /key|secret|password|token/i;
const KEPT_FIELDS = new Set(["api_keys_count", "keys_active", "max_keys"]);

/** A copy of `value` whose secret-looking fields read "***" (counts of keys stay). */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_FIELD.test(k) && !KEPT_FIELDS.has(k) ? "***" : maskSecrets(v)]));
}

/** Appends one entry. */
export async function recordAudit(db: Db, actor: Actor, entry: { action: string; target: string; before?: unknown; after?: unknown }): Promise<void> {
  await db.insert(auditLog).values({
    actorId: actor.id,
    actorEmail: actor.email.slice(0, 255),
    channel: actor.channel,
    action: entry.action,
    target: entry.target.slice(0, 300),
    before: entry.before === undefined ? null : maskSecrets(entry.before),
    after: entry.after === undefined ? null : maskSecrets(entry.after),
  });
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  target?: string;
  /** YYYY-MM-DD, inclusive (UTC). */
  from?: string;
  to?: string;
  cursor?: number;
  limit?: number;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Entries newest first, filtered; `next_cursor` continues after the last one (keyset on id). */
export async function listAudit(db: Db, filter: AuditFilter = {}): Promise<{ entries: AuditEntry[]; next_cursor: string | null }> {
  const limit = filter.limit ?? 50;
  const where: SQL[] = [];
  if (filter.actor) where.push(ilike(auditLog.actorEmail, `%${escapeLike(filter.actor)}%`));
  if (filter.action) where.push(eq(auditLog.action, filter.action));
  if (filter.target) where.push(ilike(auditLog.target, `%${escapeLike(filter.target)}%`));
  if (filter.from) where.push(gte(auditLog.at, new Date(`${filter.from}T00:00:00Z`)));
  if (filter.to) where.push(lt(auditLog.at, new Date(new Date(`${filter.to}T00:00:00Z`).getTime() + 86_400_000)));
  if (filter.cursor) where.push(lt(auditLog.id, filter.cursor));
  const rows = await db.select().from(auditLog).where(and(...where)).orderBy(desc(auditLog.id)).limit(limit + 1);
  const page = rows.slice(0, limit);
  return {
    entries: page.map((r) => ({ id: r.id, at: r.at.toISOString(), actor_email: r.actorEmail, channel: r.channel, action: r.action, target: r.target, before: r.before, after: r.after })),
    next_cursor: rows.length > limit ? String(page.at(-1)!.id) : null,
  };
}
