// /admin/plans, /admin/catalog (upstreams and models) and /admin/audit.
import { Field } from "../../components/field.tsx";
import type { AdminAuditProps, AdminCatalogProps, AdminPlansProps } from "../../types_admin.ts";
import { AdminLayout, Csrf, Option } from "./layout.tsx";

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

export function AdminCatalogPage(props: AdminCatalogProps): JSX.Element {
  const { ctx } = props;
  const which = props.errors?.form_id;
  const uv = which === "upstream" ? props.errors?.values ?? {} : {};
  const uf = which === "upstream" ? props.errors?.fields ?? {} : {};
  const mv = which === "model" ? props.errors?.values ?? {} : {};
  const mf = which === "model" ? props.errors?.fields ?? {} : {};
  const source = (s: string) => ctx.t(s === "config" ? "admin.catalog.source.config" : "admin.catalog.source.database");
  return (
    <AdminLayout ctx={ctx} title={ctx.t("admin.nav.catalog")} notice={props.notice} alert={props.errors?.form}>
      <section class="card">
        <h2 safe>{ctx.t("admin.upstreams")}</h2>
        <div class="table-wrap"><table>
          <thead><tr><th scope="col" safe>{ctx.t("admin.catalog.name")}</th><th scope="col" class="opt">Base URL</th><th scope="col" class="num" safe>{ctx.t("admin.catalog.keys")}</th><th scope="col" safe>{ctx.t("admin.catalog.source")}</th><th scope="col"></th></tr></thead>
          <tbody>{props.upstreams.map((u) => (
            <tr>
              <td class="name mono" safe>{u.name}</td><td class="opt mono small" safe>{u.base_url}</td><td class="num" safe>{String(u.api_keys_count)}</td><td safe>{source(u.source)}</td>
              <td>{u.source === "database" ? <form method="post" action="/admin/upstreams/delete"><Csrf ctx={ctx} /><input type="hidden" name="name" value={u.name} /><button type="submit" class="danger" safe>{ctx.t("admin.catalog.delete")}</button></form> : ""}</td>
            </tr>
          ))}</tbody>
        </table></div>
        <details open={which === "upstream"}>
          <summary safe>{ctx.t("admin.catalog.addUpstream")}</summary>
          <form method="post" action="/admin/upstreams" class="stack">
            <Csrf ctx={ctx} />
            <Field id="up-name" name="name" label={ctx.t("admin.catalog.name")} value={uv.name} error={uf.name} required maxlength={100} />
            <Field id="up-base_url" name="base_url" type="url" label={ctx.t("admin.catalog.baseUrl")} value={uv.base_url} error={uf.base_url} required />
            <Field id="up-api_key" name="api_key" type="password" label={ctx.t("admin.catalog.apiKey")} error={uf.api_key} autocomplete="off" />
            <button type="submit" safe>{ctx.t("admin.catalog.addUpstream")}</button>
          </form>
        </details>
      </section>
      <section class="card spaced">
        <h2 safe>{ctx.t("admin.models")}</h2>
        <div class="table-wrap"><table>
          <thead><tr><th scope="col" safe>{ctx.t("admin.catalog.modelId")}</th><th scope="col" class="opt" safe>{ctx.t("admin.catalog.upstream")}</th><th scope="col" class="num">in / out</th><th scope="col" safe>{ctx.t("admin.catalog.source")}</th><th scope="col"></th></tr></thead>
          <tbody>{props.models.map((m) => (
            <tr>
              <td class="name"><span class="mono" safe>{m.id}</span>{m.name !== m.id ? <div class="small muted" safe>{m.name}</div> : ""}</td>
              <td class="opt mono small" safe>{m.deployments.map((d) => `${d.upstream}:${d.upstream_model}`).join(", ")}</td>
              <td class="num" safe>{`${m.input_price} / ${m.output_price}`}</td><td safe>{source(m.source)}</td>
              <td>{m.source === "database" ? <form method="post" action="/admin/models/delete"><Csrf ctx={ctx} /><input type="hidden" name="id" value={m.id} /><button type="submit" class="danger" safe>{ctx.t("admin.catalog.delete")}</button></form> : ""}</td>
            </tr>
          ))}</tbody>
        </table></div>
        <details open={which === "model"}>
          <summary safe>{ctx.t("admin.catalog.addModel")}</summary>
          <form method="post" action="/admin/models" class="stack">
            <Csrf ctx={ctx} />
            <Field id="m-id" name="id" label={ctx.t("admin.catalog.modelId")} value={mv.id} error={mf.id} required maxlength={200} />
            <Field id="m-name" name="name" label={ctx.t("admin.catalog.displayName")} value={mv.name} error={mf.name} maxlength={200} />
            <div class="field"><label for="m-upstream" safe>{ctx.t("admin.catalog.upstream")}</label>
              <select id="m-upstream" name="upstream">{props.upstreams.map((u) => <Option value={u.name} current={mv.upstream ?? ""} label={u.name} />)}</select>
              {mf.upstream ? <span class="error" role="alert" safe>{mf.upstream}</span> : ""}</div>
            <Field id="m-upstream_model" name="upstream_model" label={ctx.t("admin.catalog.upstreamModel")} value={mv.upstream_model} error={mf.upstream_model} maxlength={200} />
            <Field id="m-input_price" name="input_price" inputmode="decimal" label={ctx.t("admin.catalog.inputPrice")} value={mv.input_price ?? "0"} error={mf.input_price} />
            <Field id="m-output_price" name="output_price" inputmode="decimal" label={ctx.t("admin.catalog.outputPrice")} value={mv.output_price ?? "0"} error={mf.output_price} />
            <button type="submit" safe>{ctx.t("admin.catalog.addModel")}</button>
          </form>
        </details>
      </section>
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
        <div class="table-wrap card spaced"><table>
          <thead><tr><th scope="col" safe>{ctx.t("admin.audit.at")}</th><th scope="col" safe>{ctx.t("admin.audit.actor")}</th><th scope="col" safe>{ctx.t("admin.audit.action")}</th><th scope="col" safe>{ctx.t("admin.audit.target")}</th><th scope="col" class="opt" safe>{ctx.t("admin.audit.change")}</th></tr></thead>
          <tbody>{props.entries.map((e) => (
            <tr>
              <td class="small" safe>{e.at.replace("T", " ").slice(0, 19)}</td>
              <td class="name"><span safe>{e.actor_email}</span><div class="small muted" safe>{e.channel}</div></td>
              <td class="mono small" safe>{e.action}</td>
              <td class="small" safe>{e.target}</td>
              <td class="opt mono small"><span safe>{e.before}</span> → <span safe>{e.after}</span></td>
            </tr>
          ))}</tbody>
        </table></div>
      )}
      {props.nextHref ? <p class="spaced"><a class="button secondary" href={props.nextHref} safe>{ctx.t("admin.next")}</a></p> : ""}
    </AdminLayout>
  );
}
