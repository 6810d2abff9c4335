// Account tokens (verification, password reset), the mail outbox, notices sent once, webhooks and their deliveries.
import { boolean, index, integer, pgTable, serial, text, timestamp, varchar } from "drizzle-orm/pg-core";
import { users } from "./users.ts";

/** Single-use links sent by mail: only the SHA-256 of each token is stored. */
export const accountTokens = pgTable("account_tokens", {
  id: serial("id").primaryKey(),
  userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  // "verify_email" or "password_reset".
  purpose: varchar("purpose", { length: 20 }).notNull(),
  tokenHash: varchar("token_hash", { length: 64 }).notNull().unique(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  usedAt: timestamp("used_at", { withTimezone: true }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (table) => [index("idx_account_tokens_user").on(table.userId)]);

/** Mails waiting for (or done with) the SMTP server: written in the request, sent by each instance's sender loop. */
export const mailOutbox = pgTable("mail_outbox", {
  id: serial("id").primaryKey(),
  recipient: varchar("recipient", { length: 255 }).notNull(),
  subject: varchar("subject", { length: 300 }).notNull(),
  text: text("text").notNull(),
  html: text("html").notNull(),
  attempts: integer("attempts").notNull().default(0),
  // Also the claim: a sender pushes it forward before it talks to the server, so no other instance takes the row meanwhile.
  nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
  sentAt: timestamp("sent_at", { withTimezone: true }),
  failedAt: timestamp("failed_at", { withTimezone: true }),
  lastError: text("last_error"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (table) => [index("idx_mail_outbox_due").on(table.sentAt, table.nextAttemptAt)]);

/** One row per notice that must go out once (quota:USER:PERIOD:80, key-expiring:KEY:7): the insert that wins sends it. */
export const notices = pgTable("notices", {
  id: varchar("id", { length: 120 }).primaryKey(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const webhooks = pgTable("webhooks", {
  id: serial("id").primaryKey(),
  userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  url: varchar("url", { length: 2048 }).notNull(),
  // Comma-separated event types.
  events: varchar("events", { length: 200 }).notNull(),
  secret: varchar("secret", { length: 100 }).notNull(),
  isActive: boolean("is_active").notNull().default(true),
  // The first failure since the last success: 24 hours of failing disables the webhook.
  failingSince: timestamp("failing_since", { withTimezone: true }),
  disabledAt: timestamp("disabled_at", { withTimezone: true }),
  deletedAt: timestamp("deleted_at", { withTimezone: true }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (table) => [index("idx_webhooks_user").on(table.userId)]);

/** The durable delivery queue: one row per (event, webhook), retried with backoff for 24 hours. */
export const webhookDeliveries = pgTable("webhook_deliveries", {
  id: serial("id").primaryKey(),
  webhookId: integer("webhook_id").notNull().references(() => webhooks.id, { onDelete: "cascade" }),
  eventId: varchar("event_id", { length: 40 }).notNull(),
  type: varchar("type", { length: 40 }).notNull(),
  payload: text("payload").notNull(),
  // pending, delivered or failed.
  status: varchar("status", { length: 12 }).notNull().default("pending"),
  attempts: integer("attempts").notNull().default(0),
  responseCode: integer("response_code"),
  lastError: text("last_error"),
  nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
  deliveredAt: timestamp("delivered_at", { withTimezone: true }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (table) => [
  index("idx_webhook_deliveries_due").on(table.status, table.nextAttemptAt),
  index("idx_webhook_deliveries_webhook").on(table.webhookId, table.id),
]);
