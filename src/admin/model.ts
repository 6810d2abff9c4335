// Payloads of the admin API as `t` schemas.
import { t } from "elysia";
import { userSchema } from "../auth/mod.ts";
import { jsonInteger } from "../http/mod.ts";
import { singleLineText } from "../http/text.ts";

const PLAN = t.Union([t.Literal("free"), t.Literal("pro"), t.Literal("enterprise")], { error: "must be free, pro or enterprise" });
const COUNT = (max: number) => jsonInteger({ minimum: 0, maximum: max, error: `must be an integer from 0 to ${max.toLocaleString("en")}` });
const CURSOR = t.Optional(t.String({ maxLength: 20, pattern: "^[0-9]*$", error: "must be the next_cursor of the previous page" }));

export const userListQuery = t.Object({
  q: t.Optional(singleLineText({ maxLength: 255 })),
  plan: t.Optional(t.Union([PLAN, t.Literal("")], { error: "must be free, pro or enterprise" })),
  status: t.Optional(t.Union([t.Literal("active"), t.Literal("disabled"), t.Literal("")], { error: "must be active or disabled" })),
  role: t.Optional(t.Union([t.Literal("user"), t.Literal("admin"), t.Literal("")], { error: "must be user or admin" })),
  cursor: CURSOR,
});

export const userPatch = t.Object({
  plan: t.Optional(PLAN),
  is_active: t.Optional(t.Boolean({ error: "must be true or false" })),
  monthly_quota: t.Optional(COUNT(2_000_000_000)),
  rate_limit_ceiling: t.Optional(t.Union([jsonInteger({ minimum: 1, maximum: 100_000_000 }), t.Null()], { error: "must be an integer from 1 to 100,000,000, or null for the plan default" })),
  role: t.Optional(t.Union([t.Literal("user"), t.Literal("admin")], { error: "must be user or admin" })),
}, { additionalProperties: false, minProperties: 1 });
export type UserPatch = typeof userPatch.static;

export const idParams = t.Object({ id: t.String({ maxLength: 20, description: "The user's id" }) });

// The user as the accounts API shows it, plus what operators see.
export const adminUserSchema = t.Object({
  ...userSchema.properties,
  role: t.Union([t.Literal("user"), t.Literal("admin")]),
  rate_limit_ceiling: t.Integer({ description: "The highest per-key rate limit: the custom ceiling, else the plan's default" }),
  custom_rate_limit_ceiling: t.Union([t.Integer(), t.Null()], { description: "The operator's custom ceiling; null means the plan default" }),
  keys_active: t.Integer(),
}, { $id: "AdminUser" });
export type AdminUserView = typeof adminUserSchema.static;

export const userListSchema = t.Object({ users: t.Array(adminUserSchema), next_cursor: t.Union([t.String(), t.Null()]) }, { $id: "AdminUserList" });

export const userDetailSchema = t.Object({
  user: adminUserSchema,
  keys: t.Array(t.Object({}, { additionalProperties: true })),
  usage: t.Object({}, { additionalProperties: true }),
  history: t.Object({}, { additionalProperties: true }),
  subscriptions: t.Array(t.Object({
    id: t.Integer(), plan: t.String(), status: t.String(), price: t.Number(), currency: t.String(), billing_cycle: t.String(),
    current_period_start: t.String(), current_period_end: t.String(), note: t.Union([t.String(), t.Null()]),
  })),
}, { $id: "AdminUserDetail" });

export const planSchema = t.Object({ name: t.String(), monthly_quota: t.Integer(), price: t.Number(), max_keys: t.Integer(), default_rate_limit: t.Integer() }, { $id: "AdminPlan" });
export type PlanView = typeof planSchema.static;
export const planListSchema = t.Object({ plans: t.Array(planSchema) }, { $id: "AdminPlanList" });
export const planParams = t.Object({ name: t.String({ maxLength: 20, description: "free, pro or enterprise" }) });
export const planPatch = t.Object({
  monthly_quota: t.Optional(COUNT(2_000_000_000)),
  price: t.Optional(t.Number({ minimum: 0, maximum: 1_000_000, error: "must be a number from 0 to 1,000,000 (USD per month)" })),
  max_keys: t.Optional(jsonInteger({ minimum: 1, maximum: 1000, error: "must be an integer from 1 to 1,000" })),
  default_rate_limit: t.Optional(jsonInteger({ minimum: 1, maximum: 100_000_000, error: "must be an integer from 1 to 100,000,000" })),
}, { additionalProperties: false, minProperties: 1 });
export type PlanPatch = typeof planPatch.static;

export const resetLinkSchema = t.Object({ reset_url: t.String({ description: "Shown once: a link valid for one hour, single use" }), expires_at: t.String({ format: "date-time" }) }, { $id: "AdminResetLink" });

export const usageQuery = t.Object({ days: t.Optional(t.String({ maxLength: 3, pattern: "^[0-9]+$", description: "1–365 (default 30)", error: "must be a whole number of days from 1 to 365" })) });
const totals = t.Object({ requests: t.Number(), tokens: t.Number(), cost: t.Number(), errors: t.Number(), error_rate: t.Number(), active_users: t.Integer(), active_keys: t.Integer() });
export const adminUsageSchema = t.Object({
  daily: t.Array(t.Object({ date: t.String(), requests: t.Number(), tokens: t.Number(), cost: t.Number(), errors: t.Number() })),
  totals,
  today: totals,
  month: totals,
  top_users: t.Array(t.Object({ user_id: t.Integer(), email: t.String(), requests: t.Number(), tokens: t.Number(), cost: t.Number() })),
  top_models: t.Array(t.Object({ model: t.String(), requests: t.Number(), tokens: t.Number(), cost: t.Number() })),
  top_keys_month: t.Array(t.Object({ key_id: t.Integer(), name: t.String(), key_prefix: t.String(), user_id: t.Integer(), email: t.String(), requests: t.Number(), tokens: t.Number(), cost: t.Number() }), { description: "The 10 keys with the most requests this month (UTC)" }),
}, { $id: "AdminUsage" });

export const auditQuery = t.Object({
  cursor: CURSOR,
  actor: t.Optional(singleLineText({ maxLength: 255 })),
  action: t.Optional(singleLineText({ maxLength: 50 })),
  target: t.Optional(singleLineText({ maxLength: 300 })),
  from: t.Optional(t.String({ pattern: "^(\\d{4}-\\d{2}-\\d{2})?$", error: "must be a date YYYY-MM-DD" })),
  to: t.Optional(t.String({ pattern: "^(\\d{4}-\\d{2}-\\d{2})?$", error: "must be a date YYYY-MM-DD" })),
});
export type AuditQuery = typeof auditQuery.static;
export const auditListSchema = t.Object({
  entries: t.Array(t.Object({ id: t.Integer(), at: t.String(), actor_email: t.String(), channel: t.String(), action: t.String(), target: t.String(), before: t.Unknown(), after: t.Unknown() })),
  next_cursor: t.Union([t.String(), t.Null()]),
}, { $id: "AdminAuditLog" });
