// Operators: plans (seeded from the contract's table), upstreams and models added from the admin API, the audit log,
// password-reset tokens issued by admins, and the last activity of admin sessions (their shorter idle timeout).
import { bigserial, doublePrecision, index, integer, jsonb, pgTable, serial, text, timestamp, varchar } from "drizzle-orm/pg-core";
import { users } from "./users.ts";

export const plans = pgTable("plans", {
  name: varchar("name", { length: 20 }).primaryKey(),
  monthlyQuota: integer("monthly_quota").notNull(),
  price: doublePrecision("price").notNull(),
  maxKeys: integer("max_keys").notNull(),
  defaultRateLimit: integer("default_rate_limit").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const catalogUpstreams = pgTable("catalog_upstreams", {
  name: varchar("name", { length: 100 }).primaryKey(),
  baseUrl: text("base_url").notNull(),
  // AES-256-GCM ciphertexts of the upstream's keys (write-only through the API; see src/catalog/secrets.ts).
  apiKeysSealed: jsonb("api_keys_sealed").$type<string[]>().notNull().default([]),
  headers: jsonb("headers").$type<Record<string, string>>().notNull().default({}),
  timeoutMs: integer("timeout_ms"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export interface StoredDeployment {
  upstream: string;
  upstream_model: string;
  priority: number;
  weight: number;
}

export const catalogModels = pgTable("catalog_models", {
  id: varchar("id", { length: 200 }).primaryKey(),
  name: varchar("name", { length: 200 }).notNull(),
  aliases: jsonb("aliases").$type<string[]>().notNull().default([]),
  inputPrice: doublePrecision("input_price").notNull().default(0),
  outputPrice: doublePrecision("output_price").notNull().default(0),
  deployments: jsonb("deployments").$type<StoredDeployment[]>().notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

// Append-only: nothing in the hub updates or deletes a row. Users are never deleted, so actor_email is kept as text.
export const auditLog = pgTable("audit_log", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  actorId: integer("actor_id"),
  actorEmail: varchar("actor_email", { length: 255 }).notNull(),
  /** api, console or command. */
  channel: varchar("channel", { length: 20 }).notNull(),
  action: varchar("action", { length: 50 }).notNull(),
  target: varchar("target", { length: 300 }).notNull(),
  before: jsonb("before"),
  after: jsonb("after"),
}, (table) => [
  index("idx_audit_log_at").on(table.at),
  index("idx_audit_log_actor").on(table.actorEmail, table.id),
  index("idx_audit_log_action").on(table.action, table.id),
]);

export const adminSessionActivity = pgTable("admin_session_activity", {
  sessionId: varchar("session_id", { length: 64 }).primaryKey(),
  lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull(),
});
