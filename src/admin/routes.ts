// The admin API: /api/v1/admin/users, plans, usage, audit (admin accounts only; everyone else 403).
import { Elysia } from "elysia";
import { HttpError, operation, parsePayload } from "../http/mod.ts";
import { isPlanName, PLAN_NAMES, PLANS } from "../plans/mod.ts";
import { parseDays } from "../usage/mod.ts";
import { type AdminDeps, patchPlanAction, patchUserAction, planView, resetLinkAction } from "./actions.ts";
import { listAudit } from "./audit.ts";
import { catalogRoutes } from "./catalog_routes.ts";
import { adminAuth } from "./guard.ts";
import { adminUsageSchema, adminUserSchema, auditListSchema, auditQuery, idParams, planListSchema, planParams, planPatch, planSchema, resetLinkSchema, userDetailSchema, userListQuery, userListSchema, userPatch, usageQuery } from "./model.ts";
import { adminUsage } from "./usage.ts";
import { searchUsers, type UserChange, userDetail } from "./users.ts";

export const ADMIN_ERRORS = { 401: "Missing, invalid or expired access token (or an admin session idle too long)", 403: "Admin access required" } as const;
const BODY_ERRORS = { 400: "The body is not JSON", 413: "The body is larger than 1 MiB", 422: "A field is missing or invalid (named in the message)" } as const;
const TAG = "admin";

/** The user id in a path, or a 404. */
export function userIdOf(raw: string): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id < 1) throw new HttpError("not_found", "User not found");
  return id;
}

/** The HTTP error of a refused user change. */
export function userRefusal(refusal: Exclude<UserChange, { ok: true }>): HttpError {
  return refusal.code === "not_found" ? new HttpError("not_found", refusal.message) : new HttpError("conflict", refusal.message, { reason: { kind: "last_admin" } });
}

/** The admin API routes. */
export function adminRoutes(deps: AdminDeps) {
  const { database: { db }, config, limits } = deps;
  return new Elysia({ prefix: "/api/v1/admin" })
    .use(adminAuth(db, config))
    .get("/users", ({ query }) => {
      const q = parsePayload(userListQuery, query);
      return searchUsers(db, limits, { q: q.q || undefined, plan: q.plan || undefined, status: q.status || undefined, role: q.role || undefined, cursor: q.cursor ? Number(q.cursor) : undefined });
    }, {
      response: { 200: userListSchema },
      detail: operation({ operationId: "adminListUsers", summary: "Users, newest first: search by email or name, filter by plan, status and role; keyset pagination", tag: TAG, access: "account", query: userListQuery, errors: { ...ADMIN_ERRORS, 422: "A filter is invalid (named in the message)" } }),
    })
    .get("/users/:id", async ({ params }) => {
      const detail = await userDetail(db, limits, userIdOf(params.id));
      if (!detail) throw new HttpError("not_found", "User not found");
      return detail;
    }, {
      params: idParams,
      response: { 200: userDetailSchema },
      detail: operation({ operationId: "adminGetUser", summary: "A user with keys, usage and subscription history", tag: TAG, access: "account", errors: { ...ADMIN_ERRORS, 404: "User not found" } }),
    })
    .patch("/users/:id", async ({ params, body, actor }) => {
      const changed = await patchUserAction(deps, actor, userIdOf(params.id), body);
      if (!changed.ok) throw userRefusal(changed);
      return (await userDetail(db, limits, changed.user.id))!.user;
    }, {
      params: idParams,
      body: userPatch,
      response: { 200: adminUserSchema },
      detail: operation({ operationId: "adminUpdateUser", summary: "Change a user's plan, custom quota, rate-limit ceiling, status or role (applies on every instance within a second)", tag: TAG, access: "account", errors: { ...ADMIN_ERRORS, ...BODY_ERRORS, 404: "User not found", 409: "Cannot demote or disable the last admin" } }),
    })
    .post("/users/:id/password-reset", async ({ params, actor }) => {
      const link = await resetLinkAction(deps, actor, userIdOf(params.id));
      if (!link) throw new HttpError("not_found", "User not found");
      return link;
    }, {
      params: idParams,
      response: { 200: resetLinkSchema },
      detail: operation({ operationId: "adminIssuePasswordReset", summary: "Issue a password-reset link (shown once), for hubs without mail", tag: TAG, access: "account", errors: { ...ADMIN_ERRORS, 404: "User not found" } }),
    })
    .get("/plans", () => ({ plans: PLAN_NAMES.map((name) => planView(PLANS[name])) }), {
      response: { 200: planListSchema },
      detail: operation({ operationId: "adminListPlans", summary: "The plans (stored in the database)", tag: TAG, access: "account", errors: ADMIN_ERRORS }),
    })
    .patch("/plans/:name", async ({ params, body, actor }) => {
      if (!isPlanName(params.name)) throw new HttpError("not_found", `Plan "${params.name}" not found (plans: ${PLAN_NAMES.join(", ")})`);
      return (await patchPlanAction(deps, actor, params.name, body))!;
    }, {
      params: planParams,
      body: planPatch,
      response: { 200: planSchema },
      detail: operation({ operationId: "adminUpdatePlan", summary: "Change a plan's quota, price, key limit or default rate limit (users on its default quota follow)", tag: TAG, access: "account", errors: { ...ADMIN_ERRORS, ...BODY_ERRORS, 404: "Unknown plan" } }),
    })
    .get("/usage", ({ query }) => adminUsage(db, parseDays(query.days)), {
      response: { 200: adminUsageSchema },
      detail: operation({ operationId: "adminGetUsage", summary: "Hub-wide usage: per day, totals, today, this month, top users and models, top keys this month", tag: TAG, access: "account", query: usageQuery, errors: { ...ADMIN_ERRORS, 422: "days is not an integer from 1 to 365" } }),
    })
    .get("/audit", ({ query }) => {
      const q = parsePayload(auditQuery, query);
      return listAudit(db, { actor: q.actor || undefined, action: q.action || undefined, target: q.target || undefined, from: q.from || undefined, to: q.to || undefined, cursor: q.cursor ? Number(q.cursor) : undefined });
    }, {
      response: { 200: auditListSchema },
      detail: operation({ operationId: "adminListAudit", summary: "The audit log, newest first (append-only): filter by actor, action, target and dates", tag: TAG, access: "account", query: auditQuery, errors: { ...ADMIN_ERRORS, 422: "A filter is invalid (named in the message)" } }),
    })
    .use(catalogRoutes(deps));
}
