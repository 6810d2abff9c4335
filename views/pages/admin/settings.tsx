// /admin/plans and /admin/audit.
import { Field } from "../../components/field.tsx";
import type { AdminAuditProps, AdminPlansProps } from "../../types_admin.ts";
import { AdminLayout, Csrf } from "./layout.tsx";

export function AdminPlansPage(props: AdminPlansProps): JSX.Element {
  const { ctx } = props;
  return (
    <AdminLayout ctx={ctx} title={ctx.t("admin.nav.plans")} notice={props.notice} alert={props.errors?.form}>
      <div class="grid cols-3">
        {props.plans.map((p) => {
          const mine = props.errors?.plan === p.name;
          const v = mine ? props.errors?.values ?? {} : {};
          const f = mine ? props.errors?.fields ?? {} : {};
          return (
            <section class="card">
              <h2 safe>{p.name}</h2>
              <form method="post" action={`/admin/plans/${p.name}`} class="stack">
                <Csrf ctx={ctx} />
                <Field id={`${p.name}-monthly_quota`} name="monthly_quota" type="number" min={0} label={ctx.t("admin.plans.quota")} value={v.monthly_quota ?? String(p.monthly_quota)} error={f.monthly_quota} />
                <Field id={`${p.name}-price`} name="price" inputmode="decimal" label={ctx.t("admin.plans.price")} value={v.price ?? String(p.price)} error={f.price} />
                <Field id={`${p.name}-max_keys`} name="max_keys" type="number" min={1} label={ctx.t("admin.plans.maxKeys")} value={v.max_keys ?? String(p.max_keys)} error={f.max_keys} />
                <Field id={`${p.name}-default_rate_limit`} name="default_rate_limit" type="number" min={1} label={ctx.t("admin.plans.rate")} value={v.default_rate_limit ?? String(p.default_rate_limit)} error={f.default_rate_limit} />
                <button type="submit" safe>{ctx.t("admin.user.save")}</button>
              </form>
            </section>
          );
        })}
      </div>
    </AdminLayout>
  );
}

export function AdminAuditPage(props: AdminAuditProps): JSX.Element {
  const { ctx, filter } = props;
  return (
    <AdminLayout ctx={ctx} title={ctx.t("admin.nav.audit")}>
      <form method="get" action="/admin/audit" class="card toolbar" role="search">
        <Field id="actor" name="actor" label={ctx.t("admin.audit.actor")} value={filter.actor} maxlength={255} />
        <Field id="action" name="action" label={ctx.t("admin.audit.action")} value={filter.action} maxlength={50} />
        <Field id="target" name="target" label={ctx.t("admin.audit.target")} value={filter.target} maxlength={300} />
        <Field id="from" name="from" type="date" label={ctx.t("admin.audit.from")} value={filter.from} />
        <Field id="to" name="to" type="date" label={ctx.t("admin.audit.to")} value={filter.to} />
        <button type="submit" safe>{ctx.t("admin.filter")}</button>
      </form>
      {props.entries.length === 0 ? <p class="muted" safe>{ctx.t("admin.audit.empty")}</p> : (
        <div class="table-wrap card spaced"><table class="cards">
          <thead><tr><th scope="col" safe>{ctx.t("admin.audit.at")}</th><th scope="col" safe>{ctx.t("admin.audit.actor")}</th><th scope="col" safe>{ctx.t("admin.audit.action")}</th><th scope="col" safe>{ctx.t("admin.audit.target")}</th><th scope="col" class="opt" safe>{ctx.t("admin.audit.change")}</th></tr></thead>
          <tbody>{props.entries.map((e) => (
            <tr>
              <td class="small" data-label={ctx.t("admin.audit.at")} safe>{e.at.replace("T", " ").slice(0, 19)}</td>
              <td class="name" data-label={ctx.t("admin.audit.actor")}><span safe>{e.actor_email}</span><div class="small muted" safe>{e.channel}</div></td>
              <td class="mono small" data-label={ctx.t("admin.audit.action")} safe>{e.action}</td>
              <td class="small" data-label={ctx.t("admin.audit.target")} safe>{e.target}</td>
              <td class="opt mono small" data-label={ctx.t("admin.audit.change")}><span safe>{e.before}</span> → <span safe>{e.after}</span></td>
            </tr>
          ))}</tbody>
        </table></div>
      )}
      {props.nextHref ? <p class="spaced"><a class="button secondary" href={props.nextHref} safe>{ctx.t("admin.next")}</a></p> : ""}
    </AdminLayout>
  );
}
