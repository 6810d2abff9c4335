// Console pages for operators: /admin overview, users (search, a user's page with every action), plans, audit log.
import { Elysia } from "elysia";
import { adminUsage, type AdminDeps, upstreamHealthByName, listAudit, patchPlanAction, patchUserAction, planPatch, planView, resetLinkAction, searchUsers, userDetail, userPatch, type UserPatch, userRefusal } from "../admin/mod.ts";
import { HttpError, parsePayload } from "../http/mod.ts";
import { isPlanName, PLAN_NAMES, PLANS, planOf } from "../plans/mod.ts";
import { AdminOverviewPage } from "../../views/pages/admin/overview.tsx";
import { AdminAuditPage, AdminPlansPage } from "../../views/pages/admin/settings.tsx";
import { AdminUserPage, AdminUsersPage } from "../../views/pages/admin/users.tsx";
import type { FormErrors, PageContext } from "../../views/types.ts";
import { consoleActor, formValues, numberField, requireAdmin } from "./admin_guard.ts";
import { formErrors } from "./forms.ts";
import { pageAt, redirectTo } from "./render.ts";
import { type ConsoleDeps, consoleSession } from "./session.ts";

const str = (v: unknown) => (typeof v === "string" ? v : "");

/** The operators' pages. */
export function adminPages(deps: ConsoleDeps & AdminDeps) {
  const { database: { db }, limits, catalog } = deps;
  const showUser = async (page: PageContext, id: number, extra: { errors?: FormErrors; notice?: string; resetUrl?: string } = {}) => {
    const detail = await userDetail(db, limits, id);
    if (!detail) return null;
    const custom = detail.user.monthly_quota === planOf(detail.user.plan).monthlyQuota ? null : detail.user.monthly_quota;
    return AdminUserPage({ ctx: page, user: { ...detail.user, custom_quota: custom }, keys: detail.keys, subscriptions: detail.subscriptions, history: detail.history, ...extra });
  };
  const userId = (raw: string) => {
    const id = Number(raw);
    return Number.isSafeInteger(id) && id > 0 ? id : 0;
  };

  const sum = <K extends string>(rows: Array<Record<K, number>>, field: K) => rows.reduce((total, row) => total + row[field], 0);

  return new Elysia()
    .use(consoleSession(deps))
    .onBeforeHandle(requireAdmin())
    .get("/admin", async ({ page, html }) => {
      const usage = await adminUsage(db, 30);
      const models = catalog.listModels();
      const health = upstreamHealthByName(await deps.router.status(catalog.models()));
      return html(AdminOverviewPage({
        ctx: page,
        today: usage.today,
        month: usage.month,
        // The whole hub as one series: the admin overview shows totals, not models.
        series: {
          days: usage.daily.map((d) => ({ date: d.date, ok: d.requests - d.errors, errors: d.errors, tokens: [d.tokens], cost: [d.cost] })),
          models: [page.t("chart.allModels")],
          totals: { requests: sum(usage.daily, "requests"), ok: sum(usage.daily, "requests") - sum(usage.daily, "errors"), errors: sum(usage.daily, "errors"), tokens: sum(usage.daily, "tokens"), cost: sum(usage.daily, "cost") },
        },
        topUsers: usage.top_users,
        topModels: usage.top_models,
        topKeys: usage.top_keys_month,
        upstreams: catalog.listUpstreams().map((u) => ({ name: u.name, source: u.source, models: models.filter((m) => m.deployments.some((d) => d.upstream === u.name)).length, health: health.get(u.name) ?? { deployments: 0, cooling: [], keys_out: [] } })),
      }));
    })
    .get("/admin/users", async ({ page, query, html }) => {
      const filter = { q: str(query.q).slice(0, 255), plan: isPlanName(str(query.plan)) ? str(query.plan) : "", status: ["active", "disabled"].includes(str(query.status)) ? str(query.status) : "", role: ["user", "admin"].includes(str(query.role)) ? str(query.role) : "" };
      const cursor = /^\d{1,15}$/.test(str(query.cursor)) ? Number(query.cursor) : undefined;
      const found = await searchUsers(db, limits, { q: filter.q || undefined, plan: filter.plan || undefined, status: (filter.status || undefined) as "active" | undefined, role: (filter.role || undefined) as "user" | undefined, cursor });
      const nextHref = found.next_cursor ? `/admin/users?${new URLSearchParams({ ...filter, cursor: found.next_cursor })}` : null;
      return html(AdminUsersPage({ ctx: page, filter, users: found.users, nextHref }));
    })
    .get("/admin/users/:id", async ({ page, params, query, html, set }) => {
      const shown = await showUser(page, userId(params.id), { notice: query.saved ? page.t("admin.saved") : undefined });
      if (!shown) set.status = 404;
      return html(shown ?? AdminUsersPage({ ctx: page, filter: { q: "", plan: "", status: "", role: "" }, users: [], nextHref: null }));
    })
    .post("/admin/users/:id/:action", async ({ page: posted, params, body, user, htmx, html, set }) => {
      const id = userId(params.id);
      // The forms live on the user's page; with no such user, the list stands in (as GET /admin/users/:id shows it).
      const page = pageAt(posted, `/admin/users/${id}`);
      const noUser = () => AdminUsersPage({ ctx: pageAt(posted, "/admin/users"), filter: { q: "", plan: "", status: "", role: "" }, users: [], nextHref: null });
      const values = formValues(body, ["plan", "monthly_quota", "rate_limit_ceiling", "is_active", "role"]);
      try {
        if (params.action === "reset") {
          const link = await resetLinkAction(deps, consoleActor(user!), id);
          if (!link) throw new HttpError("not_found", "User not found");
          return html((await showUser(page, id, { resetUrl: link.reset_url }))!);
        }
        let patch: UserPatch;
        if (params.action === "limits") {
          patch = parsePayload(userPatch, { plan: values.plan, ...(values.monthly_quota ? { monthly_quota: numberField(values.monthly_quota) } : {}), rate_limit_ceiling: numberField(values.rate_limit_ceiling) ?? null });
        } else if (params.action === "status") patch = { is_active: values.is_active === "true" };
        else if (params.action === "role") patch = { role: values.role === "admin" ? "admin" : "user" };
        else throw new HttpError("not_found", "No such action");
        const changed = await patchUserAction(deps, consoleActor(user!), id, patch);
        if (!changed.ok) throw userRefusal(changed);
        return redirectTo(`/admin/users/${id}?saved=1`, htmx);
      } catch (error) {
        const errors = formErrors(error, values, { t: page.t });
        set.status = error instanceof HttpError ? error.status : 400;
        return html((await showUser(page, id, { errors })) ?? noUser());
      }
    })
    .get("/admin/plans", ({ page, query, html }) => html(AdminPlansPage({ ctx: page, plans: PLAN_NAMES.map((n) => planView(PLANS[n])), notice: query.saved ? page.t("admin.saved") : undefined })))
    .post("/admin/plans/:name", async ({ page, params, body, user, htmx, html, set }) => {
      const values = formValues(body, ["monthly_quota", "price", "max_keys", "default_rate_limit"]);
      try {
        if (!isPlanName(params.name)) throw new HttpError("not_found", `Plan "${params.name}" not found`);
        const patch = parsePayload(planPatch, Object.fromEntries(Object.entries(values).filter(([, v]) => v !== "").map(([k, v]) => [k, Number(v)])));
        await patchPlanAction(deps, consoleActor(user!), params.name, patch);
        return redirectTo("/admin/plans?saved=1", htmx);
      } catch (error) {
        set.status = error instanceof HttpError ? error.status : 400;
        return html(AdminPlansPage({ ctx: pageAt(page, "/admin/plans"), plans: PLAN_NAMES.map((n) => planView(PLANS[n])), errors: { ...formErrors(error, values, { t: page.t }), plan: params.name } }));
      }
    })
    .get("/admin/audit", async ({ page, query, html }) => {
      const day = (v: unknown) => (/^\d{4}-\d{2}-\d{2}$/.test(str(v)) ? str(v) : "");
      const filter = { actor: str(query.actor).slice(0, 255), action: str(query.action).slice(0, 50), target: str(query.target).slice(0, 300), from: day(query.from), to: day(query.to) };
      const cursor = /^\d{1,15}$/.test(str(query.cursor)) ? Number(query.cursor) : undefined;
      const found = await listAudit(db, { actor: filter.actor || undefined, action: filter.action || undefined, target: filter.target || undefined, from: filter.from || undefined, to: filter.to || undefined, cursor });
      const nextHref = found.next_cursor ? `/admin/audit?${new URLSearchParams({ ...filter, cursor: found.next_cursor })}` : null;
      const json = (v: unknown) => (v === null || v === undefined ? "—" : JSON.stringify(v));
      return html(AdminAuditPage({ ctx: page, filter, entries: found.entries.map((e) => ({ ...e, before: json(e.before), after: json(e.after) })), nextHref }));
    });
}
