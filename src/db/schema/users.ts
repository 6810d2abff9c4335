// Accounts: users, their console sessions and their plan history (subscriptions).
import { boolean, doublePrecision, index, integer, pgTable, serial, text, timestamp, varchar } from "drizzle-orm/pg-core";

export const users = pgTable("users", {
  id: serial("id").primaryKey(),
  // Stored lower-cased, so the unique index makes emails unique regardless of case.
  email: varchar("email", { length: 255 }).notNull().unique(),
  passwordHash: varchar("password_hash", { length: 255 }).notNull(),
  fullName: varchar("full_name", { length: 100 }),
  plan: varchar("plan", { length: 20 }).notNull().default("free"),
  monthlyQuota: integer("monthly_quota").notNull().default(10_000),
  // Operator-granted ceiling for per-key rate limits; null means the plan's default.
  rateLimitCeiling: integer("rate_limit_ceiling"),
  isActive: boolean("is_active").notNull().default(true),
  // email_verified in the API: set once the user followed the verification mail's link.
  isVerified: boolean("is_verified").notNull().default(false),
  // The console's language at registration: mails are written in it.
  lang: varchar("lang", { length: 8 }).notNull().default("zh-CN"),
  // Set when the user deleted the account: email and name are erased, the row stays for anonymised usage.
  deletedAt: timestamp("deleted_at", { withTimezone: true }),
  /** user or admin. */
  role: varchar("role", { length: 20 }).notNull().default("user"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
}, (table) => [index("idx_users_plan").on(table.plan)]);

export const sessions = pgTable("sessions", {
  id: varchar("id", { length: 64 }).primaryKey(),
  userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  revokedAt: timestamp("revoked_at", { withTimezone: true }),
  // Refreshed at most once a minute by the session guard, so the sessions list can say when a device was last seen.
  lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
  userAgent: varchar("user_agent", { length: 300 }),
  ip: varchar("ip", { length: 64 }),
}, (table) => [index("idx_sessions_user_id").on(table.userId)]);

export const subscriptions = pgTable("subscriptions", {
  id: serial("id").primaryKey(),
  userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  plan: varchar("plan", { length: 50 }).notNull(),
  status: varchar("status", { length: 20 }).notNull().default("active"),
  price: doublePrecision("price").notNull(),
  currency: varchar("currency", { length: 10 }).notNull().default("USD"),
  billingCycle: varchar("billing_cycle", { length: 20 }).notNull().default("monthly"),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
  currentPeriodStart: timestamp("current_period_start", { withTimezone: true }).notNull(),
  currentPeriodEnd: timestamp("current_period_end", { withTimezone: true }).notNull(),
  cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  note: text("note"),
}, (table) => [
  index("idx_subscriptions_user_id").on(table.userId),
  index("idx_subscriptions_status").on(table.status),
]);
