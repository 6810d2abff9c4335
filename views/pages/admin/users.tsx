// /admin/users (search, filters, pages) and /admin/users/:id (limits, status, role, reset link, keys, subscriptions).
import { Field } from "../../components/field.tsx";
import type { AdminUserProps, AdminUsersProps } from "../../types_admin.ts";
import type { PageContext } from "../../types.ts";
import { AdminLayout, Csrf, Option } from "./layout.tsx";

function Status(props: { ctx: PageContext; active: boolean }): JSX.Element {
  return props.active ? <span class="badge ok" safe>{props.ctx.t("admin.active")}</span> : <span class="badge off" safe>{props.ctx.t("admin.disabled")}</span>;
}

export function AdminUsersPage(props: AdminUsersProps): JSX.Element {
  const { ctx, filter } = props;
  return (
    <AdminLayout ctx={ctx} title={ctx.t("admin.nav.users")}>
      <form method="get" action="/admin/users" class="card toolbar" role="search">
        <div class="field"><label for="q" safe>{ctx.t("admin.search")}</label><input id="q" name="q" type="search" value={filter.q} maxlength="255" /></div>
        <div class="field"><label for="plan" safe>{ctx.t("admin.plan")}</label>
          <select id="plan" name="plan"><Option value="" current={filter.plan} label={ctx.t("admin.any")} />{["free", "pro", "enterprise"].map((p) => <Option value={p} current={filter.plan} label={p} />)}</select></div>
        <div class="field"><label for="status" safe>{ctx.t("admin.status")}</label>
          <select id="status" name="status"><Option value="" current={filter.status} label={ctx.t("admin.any")} /><Option value="active" current={filter.status} label={ctx.t("admin.active")} /><Option value="disabled" current={filter.status} label={ctx.t("admin.disabled")} /></select></div>
        <div class="field"><label for="role" safe>{ctx.t("admin.role")}</label>
          <select id="role" name="role"><Option value="" current={filter.role} label={ctx.t("admin.any")} /><Option value="user" current={filter.role} label={ctx.t("admin.role.user")} /><Option value="admin" current={filter.role} label={ctx.t("admin.role.admin")} /></select></div>
        <button type="submit" safe>{ctx.t("admin.filter")}</button>
      </form>
      {props.users.length === 0 ? <p class="muted" safe>{ctx.t("admin.noUsers")}</p> : (
        <div class="table-wrap card spaced"><table class="cards">
          <thead><tr><th scope="col" safe>{ctx.t("admin.email")}</th><th scope="col" safe>{ctx.t("admin.plan")}</th><th scope="col" safe>{ctx.t("admin.status")}</th><th scope="col" class="opt" safe>{ctx.t("admin.role")}</th><th scope="col" class="num opt" safe>{ctx.t("admin.requests")}</th><th scope="col" class="num opt" safe>{ctx.t("admin.activeKeys")}</th></tr></thead>
          <tbody>{props.users.map((u) => (
            <tr>
              <td class="name"><a href={`/admin/users/${u.id}`} safe>{u.email}</a>{u.full_name ? <div class="small muted" safe>{u.full_name}</div> : ""}</td>
              <td data-label={ctx.t("admin.plan")} safe>{u.plan}</td>
              <td data-label={ctx.t("admin.status")}><Status ctx={ctx} active={u.is_active} /></td>
              <td class="opt" data-label={ctx.t("admin.role")} safe>{ctx.t(u.role === "admin" ? "admin.role.admin" : "admin.role.user")}</td>
              <td class="num opt" data-label={ctx.t("admin.requests")} safe>{`${u.quota_used.toLocaleString("en-US")} / ${u.monthly_quota.toLocaleString("en-US")}`}</td>
              <td class="num opt" data-label={ctx.t("admin.activeKeys")} safe>{String(u.keys_active)}</td>
            </tr>
          ))}</tbody>
        </table></div>
      )}
      {props.nextHref ? <p class="spaced"><a class="button secondary" href={props.nextHref} safe>{ctx.t("admin.next")}</a></p> : ""}
    </AdminLayout>
  );
}

/** One POST button (with its hidden fields) acting on the user. */
function Action(props: { ctx: PageContext; action: string; fields: Record<string, string>; label: string; danger?: boolean }): JSX.Element {
  return (
    <form method="post" action={props.action}>
      <Csrf ctx={props.ctx} />
      {Object.entries(props.fields).map(([name, value]) => <input type="hidden" name={name} value={value} />)}
      <button type="submit" class={props.danger ? "danger" : "secondary"} safe>{props.label}</button>
    </form>
  );
}

export function AdminUserPage(props: AdminUserProps): JSX.Element {
  const { ctx, user } = props;
  const v = props.errors?.values ?? {};
  const f = props.errors?.fields ?? {};
  const base = `/admin/users/${user.id}`;
  return (
    <AdminLayout ctx={ctx} title={user.email} notice={props.notice} alert={props.errors?.form}>
      <p><Status ctx={ctx} active={user.is_active} /> <span class="badge" safe>{ctx.t(user.role === "admin" ? "admin.role.admin" : "admin.role.user")}</span> <span class="muted small" safe>{`#${user.id} · ${user.full_name ?? ""} · ${user.created_at.slice(0, 10)}`}</span></p>
      {props.resetUrl ? <div class="secret"><p safe>{ctx.t("admin.user.resetShown")}</p><input readonly value={props.resetUrl} aria-label={ctx.t("admin.user.reset")} /></div> : ""}
      <div class="grid cols-2">
        <section class="card">
          <h2 safe>{ctx.t("admin.user.limits")}</h2>
          <form method="post" action={`${base}/limits`} class="stack">
            <Csrf ctx={ctx} />
            <div class="field"><label for="plan" safe>{ctx.t("admin.plan")}</label>
              <select id="plan" name="plan">{["free", "pro", "enterprise"].map((p) => <Option value={p} current={v.plan ?? user.plan} label={p} />)}</select>
              {f.plan ? <span class="error" role="alert" safe>{f.plan}</span> : ""}</div>
            <Field id="monthly_quota" name="monthly_quota" label={ctx.t("admin.user.quota")} type="number" min={0} value={v.monthly_quota ?? (user.custom_quota == null ? "" : String(user.custom_quota))} hint={`${user.quota_used.toLocaleString("en-US")} / ${user.monthly_quota.toLocaleString("en-US")}`} error={f.monthly_quota} />
            <Field id="rate_limit_ceiling" name="rate_limit_ceiling" label={ctx.t("admin.user.ceiling")} type="number" min={1} value={v.rate_limit_ceiling ?? (user.custom_rate_limit_ceiling === null ? "" : String(user.custom_rate_limit_ceiling))} error={f.rate_limit_ceiling} />
            <button type="submit" safe>{ctx.t("admin.user.save")}</button>
          </form>
        </section>
        <section class="card">
          <h2 safe>{ctx.t("admin.status")}</h2>
          <div class="stack">
            {user.is_active
              ? <Action ctx={ctx} action={`${base}/status`} fields={{ is_active: "false" }} label={ctx.t("admin.user.disable")} danger />
              : <Action ctx={ctx} action={`${base}/status`} fields={{ is_active: "true" }} label={ctx.t("admin.user.enable")} />}
            {user.role === "admin"
              ? <Action ctx={ctx} action={`${base}/role`} fields={{ role: "user" }} label={ctx.t("admin.user.demote")} danger />
              : <Action ctx={ctx} action={`${base}/role`} fields={{ role: "admin" }} label={ctx.t("admin.user.promote")} />}
            <Action ctx={ctx} action={`${base}/reset`} fields={{}} label={ctx.t("admin.user.reset")} />
          </div>
          <p class="small muted" safe>{`${ctx.t("admin.user.usage")}: ${props.history.total_requests.toLocaleString("en-US")} · $${props.history.total_cost.toFixed(4)}`}</p>
        </section>
      </div>
      <section class="card spaced">
        <h2 safe>{ctx.t("admin.user.keys")}</h2>
        <div class="table-wrap"><table class="cards">
          <tbody>{props.keys.map((k) => <tr><td class="name" safe>{k.name}</td><td class="mono" data-label={ctx.t("admin.key")} safe>{`${k.key_prefix}…`}</td><td data-label={ctx.t("admin.status")}><Status ctx={ctx} active={k.is_active} /></td><td class="num opt" data-label={ctx.t("admin.requests")} safe>{String(k.total_requests)}</td></tr>)}</tbody>
        </table></div>
      </section>
      <section class="card spaced">
        <h2 safe>{ctx.t("admin.user.subscriptions")}</h2>
        <div class="table-wrap"><table class="cards">
          <tbody>{props.subscriptions.map((s) => <tr><td data-label={ctx.t("admin.plan")} safe>{s.plan}</td><td data-label={ctx.t("admin.status")} safe>{s.status}</td><td class="num" data-label="USD" safe>{`$${s.price}`}</td><td class="opt" safe>{s.current_period_start.slice(0, 10)}</td><td class="opt small muted" safe>{s.note ?? ""}</td></tr>)}</tbody>
        </table></div>
      </section>
    </AdminLayout>
  );
}
