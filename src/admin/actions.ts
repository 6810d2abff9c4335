// Every admin action, whichever channel asked (API, console, command): the change, its audit entry, and the notice
// that makes every instance apply it.
import { findUserById, issuePasswordReset, RESET_TTL_MS } from "../auth/mod.ts";
import type { Catalog, CatalogChange } from "../catalog/mod.ts";
import type { Db } from "../db/mod.ts";
import type { GatewayDeps } from "../gateway/mod.ts";
import { type Plan, type PlanName, type QuotaCounter, updatePlan } from "../plans/mod.ts";
import { type Actor, recordAudit } from "./audit.ts";
import type { PlanPatch, PlanView, UserPatch } from "./model.ts";
import { changeUser, type UserChange } from "./users.ts";

/** What admin actions need: the database, the catalog, and how to tell every instance about a change. */
export interface AdminDeps extends Pick<GatewayDeps, "router"> {
  database: { db: Db };
  config: { readonly jwtSecret: string; readonly sessionTtlHours: number; readonly publicOrigin: string | null; readonly port: number; readonly admin: { readonly idleMinutes: number } };
  limits: QuotaCounter;
  catalog: Catalog;
  onUserChanged(userId: number): void;
  onPlansChanged(): void;
  onCatalogChanged(): void;
}

/** "user:12 (a@example.com)": how the audit log names a user. */
export function userTarget(user: { id: number; email: string }): string {
  return `user:${user.id} (${user.email})`;
}

/** Changes a user (plan, limits, status, role) and audits it. */
export async function patchUserAction(deps: Pick<AdminDeps, "database" | "onUserChanged">, actor: Actor, id: number, patch: UserPatch): Promise<UserChange> {
  const changed = await changeUser(deps.database.db, id, patch);
  if (!changed.ok) return changed;
  deps.onUserChanged(id);
  if (Object.keys(changed.after).length > 0) {
    const action = patch.role !== undefined && changed.after.role !== undefined ? (patch.role === "admin" ? "user.promote" : "user.demote") : "user.update";
    await recordAudit(deps.database.db, actor, { action, target: userTarget(changed.user), before: changed.before, after: changed.after });
  }
  return changed;
}

/** Issues a one-hour, single-use password-reset link for a user; null when the user is unknown. */
export async function resetLinkAction(deps: { database: { db: Db }; config: { readonly publicOrigin: string | null; readonly port: number } }, actor: Actor, id: number): Promise<{ reset_url: string; expires_at: string } | null> {
  const user = await findUserById(deps.database.db, id);
  if (!user) return null;
  // The same single-use token as the forgot-password mail's, so POST /api/v1/auth/password/reset takes it.
  const origin = deps.config.publicOrigin ?? `http://localhost:${deps.config.port}`;
  const { url } = await issuePasswordReset(deps.database.db, id, { publicUrl: origin });
  const expiresAt = new Date(Date.now() + RESET_TTL_MS);
  await recordAudit(deps.database.db, actor, { action: "user.password_reset_link", target: userTarget(user), after: { expires_at: expiresAt.toISOString() } });
  return { reset_url: url, expires_at: expiresAt.toISOString() };
}

/** A plan as the API shows it. */
export function planView(plan: Plan): PlanView {
  return { name: plan.name, monthly_quota: plan.monthlyQuota, price: plan.priceUsd, max_keys: plan.maxActiveKeys, default_rate_limit: plan.rateLimit };
}

/** Changes a plan (users on its default quota follow) and audits it; null for an unknown plan. */
export async function patchPlanAction(deps: AdminDeps, actor: Actor, name: PlanName, patch: PlanPatch): Promise<PlanView | null> {
  const changed = await updatePlan(deps.database.db, name, { monthlyQuota: patch.monthly_quota, priceUsd: patch.price, maxActiveKeys: patch.max_keys, rateLimit: patch.default_rate_limit });
  if (!changed) return null;
  deps.onPlansChanged();
  await recordAudit(deps.database.db, actor, { action: "plan.update", target: `plan:${name}`, before: planView(changed.before), after: planView(changed.after) });
  return planView(changed.after);
}

/** Runs a catalog change and, when it happened, audits it and tells every instance. */
export async function catalogAction<T>(deps: AdminDeps, actor: Actor, action: string, target: string, change: (catalog: Catalog) => Promise<CatalogChange<T>>): Promise<CatalogChange<T>> {
  const result = await change(deps.catalog);
  if (!result.ok) return result;
  deps.onCatalogChanged();
  await recordAudit(deps.database.db, actor, { action, target, before: result.before ?? undefined, after: result.after ?? undefined });
  return result;
}
