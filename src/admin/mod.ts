// Operators: roles, the admin API, the audit log, admin commands and their local channel.
export { type AdminDeps, catalogAction, patchPlanAction, patchUserAction, planView, resetLinkAction, userTarget } from "./actions.ts";
export { listAudit, maskSecrets, recordAudit } from "./audit.ts";
export type { Actor, AuditEntry, AuditFilter } from "./audit.ts";
export { ADMIN_REQUIRED } from "./guard.ts";
export { adminRoutes, userIdOf, userRefusal } from "./routes.ts";
export { catalogRefusal } from "./catalog_routes.ts";
export { adminUsage } from "./usage.ts";
export { type UpstreamHealth, upstreamHealthByName } from "./health.ts";
export { testModelCall, type TestCallResult } from "./test_call.ts";
export { isAdmin, promoteAdminEmails, searchUsers, userDetail } from "./users.ts";
export { planPatch, userPatch } from "./model.ts";
export type { PlanPatch, UserPatch } from "./model.ts";
