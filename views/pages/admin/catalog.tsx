// /admin/catalog: upstreams and models; add, edit and delete database entries (configuration entries are read-only).
import { Field } from "../../components/field.tsx";
import type { AdminCatalogProps } from "../../types_admin.ts";
import type { PageContext } from "../../types.ts";
import { AdminLayout, Csrf, Option } from "./layout.tsx";

type Errors = { values: Record<string, string>; fields: Record<string, string> };

/** A labelled textarea with its hint and its error next to it. */
function Lines(props: { id: string; name: string; label: string; hint: string; value?: string; error?: string }): JSX.Element {
  return (
    <div class="field">
      <label for={props.id} safe>{props.label}</label>
      <textarea id={props.id} name={props.name} rows="3" aria-invalid={props.error ? "true" : undefined} aria-describedby={`${props.id}-hint`} safe>{props.value ?? ""}</textarea>
      <span class="hint" id={`${props.id}-hint`} safe>{props.hint}</span>
      {props.error ? <span class="error" role="alert" safe>{props.error}</span> : ""}
    </div>
  );
}

/** "upstream upstream_model priority weight", one deployment a line: what the edit form shows and reads. */
export function deploymentLines(deployments: AdminCatalogProps["models"][number]["deployments"]): string {
  return deployments.map((d) => `${d.upstream} ${d.upstream_model} ${d.priority} ${d.weight}`).join("\n");
}

function EditUpstream(props: { ctx: PageContext; u: AdminCatalogProps["upstreams"][number]; open: boolean; e: Errors }): JSX.Element {
  const { ctx, u, e } = props;
  const id = `eu-${u.name}`;
  return (
    <details open={props.open}>
      <summary safe>{ctx.t("admin.catalog.edit", { name: u.name })}</summary>
      <form method="post" action="/admin/upstreams/edit" class="stack">
        <Csrf ctx={ctx} />
        <input type="hidden" name="name" value={u.name} />
        <Field id={`${id}-base_url`} name="base_url" type="url" label={ctx.t("admin.catalog.baseUrl")} value={e.values.base_url ?? u.base_url} error={e.fields.base_url} required />
        <Field id={`${id}-timeout_ms`} name="timeout_ms" type="number" min={100} label={ctx.t("admin.catalog.timeout")} value={e.values.timeout_ms ?? String(u.timeout_ms)} error={e.fields.timeout_ms} />
        <Lines id={`${id}-api_keys`} name="api_keys" label={ctx.t("admin.catalog.replaceKeys")} hint={ctx.t("admin.catalog.replaceKeysHint", { count: u.api_keys_count })} error={e.fields.api_keys} />
        <button type="submit" safe>{ctx.t("admin.user.save")}</button>
      </form>
    </details>
  );
}

function EditModel(props: { ctx: PageContext; m: AdminCatalogProps["models"][number]; open: boolean; e: Errors }): JSX.Element {
  const { ctx, m, e } = props;
  const id = `em-${m.id}`;
  return (
    <details open={props.open}>
      <summary safe>{ctx.t("admin.catalog.edit", { name: m.id })}</summary>
      <form method="post" action="/admin/models/edit" class="stack">
        <Csrf ctx={ctx} />
        <input type="hidden" name="id" value={m.id} />
        <Field id={`${id}-name`} name="name" label={ctx.t("admin.catalog.displayName")} value={e.values.name ?? m.name} error={e.fields.name} maxlength={200} />
        <Field id={`${id}-input_price`} name="input_price" inputmode="decimal" label={ctx.t("admin.catalog.inputPrice")} value={e.values.input_price ?? String(m.input_price)} error={e.fields.input_price} />
        <Field id={`${id}-output_price`} name="output_price" inputmode="decimal" label={ctx.t("admin.catalog.outputPrice")} value={e.values.output_price ?? String(m.output_price)} error={e.fields.output_price} />
        <Lines id={`${id}-deployments`} name="deployments" label={ctx.t("admin.catalog.deployments")} hint={ctx.t("admin.catalog.deploymentsHint")} value={e.values.deployments ?? deploymentLines(m.deployments)} error={e.fields.deployments} />
        <button type="submit" safe>{ctx.t("admin.user.save")}</button>
      </form>
    </details>
  );
}

function TestCall(props: { ctx: PageContext; result: NonNullable<AdminCatalogProps["testCall"]> }): JSX.Element {
  const { ctx, result } = props;
  const text = result.ok ? ctx.t("admin.catalog.testOk", { upstream: result.upstream, ms: result.latency_ms }) : ctx.t("admin.catalog.testFailed", { upstream: result.upstream, ms: result.latency_ms });
  return (
    <div class={result.ok ? "success" : "alert"} role="status">
      <strong safe>{text}</strong>
      {result.message ? <pre class="mono small" tabindex="0" safe>{result.message}</pre> : ""}
      <p class="small" safe>{ctx.t("admin.catalog.testNotSaved")}</p>
    </div>
  );
}

export function AdminCatalogPage(props: AdminCatalogProps): JSX.Element {
  const { ctx } = props;
  const which = props.errors?.form_id;
  const errorsOf = (form: string): Errors => (which === form ? { values: props.errors?.values ?? {}, fields: props.errors?.fields ?? {} } : { values: {}, fields: {} });
  const up = errorsOf("upstream");
  const mo = errorsOf("model");
  const source = (s: string) => ctx.t(s === "config" ? "admin.catalog.source.config" : "admin.catalog.source.database");
  const readOnly = <span class="small muted" safe>{ctx.t("admin.catalog.readOnly")}</span>;
  return (
    <AdminLayout ctx={ctx} title={ctx.t("admin.nav.catalog")} notice={props.notice} alert={props.errors?.form}>
      <section class="card">
        <h2 safe>{ctx.t("admin.upstreams")}</h2>
        <div class="table-wrap"><table class="cards">
          <thead><tr><th scope="col" safe>{ctx.t("admin.catalog.name")}</th><th scope="col" class="opt">Base URL</th><th scope="col" class="num" safe>{ctx.t("admin.catalog.keys")}</th><th scope="col" safe>{ctx.t("admin.catalog.source")}</th><th scope="col"><span class="sr-only" safe>{ctx.t("table.actions")}</span></th></tr></thead>
          <tbody>{props.upstreams.map((u) => (
            <tr>
              <td class="name mono" safe>{u.name}</td><td class="opt mono small" data-label="Base URL" safe>{u.base_url}</td><td class="num" data-label={ctx.t("admin.catalog.keys")} safe>{String(u.api_keys_count)}</td><td data-label={ctx.t("admin.catalog.source")} safe>{source(u.source)}</td>
              <td class="actions">{u.source === "database" ? <form method="post" action="/admin/upstreams/delete"><Csrf ctx={ctx} /><input type="hidden" name="name" value={u.name} /><button type="submit" class="danger" safe>{ctx.t("admin.catalog.delete")}</button></form> : readOnly}</td>
            </tr>
          ))}</tbody>
        </table></div>
        {props.upstreams.filter((u) => u.source === "database").map((u) => <EditUpstream ctx={ctx} u={u} open={which === `upstream:${u.name}`} e={errorsOf(`upstream:${u.name}`)} />)}
        <details open={which === "upstream"}>
          <summary safe>{ctx.t("admin.catalog.addUpstream")}</summary>
          <form method="post" action="/admin/upstreams" class="stack">
            <Csrf ctx={ctx} />
            <Field id="up-name" name="name" label={ctx.t("admin.catalog.name")} value={up.values.name} error={up.fields.name} required maxlength={100} />
            <Field id="up-base_url" name="base_url" type="url" label={ctx.t("admin.catalog.baseUrl")} value={up.values.base_url} error={up.fields.base_url} required />
            <Field id="up-api_key" name="api_key" type="password" label={ctx.t("admin.catalog.apiKey")} error={up.fields.api_key} autocomplete="off" />
            <button type="submit" safe>{ctx.t("admin.catalog.addUpstream")}</button>
          </form>
        </details>
      </section>
      <section class="card spaced">
        <h2 safe>{ctx.t("admin.models")}</h2>
        <div class="table-wrap"><table class="cards">
          <thead><tr><th scope="col" safe>{ctx.t("admin.catalog.modelId")}</th><th scope="col" class="opt" safe>{ctx.t("admin.catalog.upstream")}</th><th scope="col" class="num">in / out</th><th scope="col" safe>{ctx.t("admin.catalog.source")}</th><th scope="col"><span class="sr-only" safe>{ctx.t("table.actions")}</span></th></tr></thead>
          <tbody>{props.models.map((m) => (
            <tr>
              <td class="name"><span class="mono" safe>{m.id}</span>{m.name !== m.id ? <div class="small muted" safe>{m.name}</div> : ""}</td>
              <td class="opt mono small" data-label={ctx.t("admin.catalog.upstream")} safe>{m.deployments.map((d) => `${d.upstream}:${d.upstream_model}`).join(", ")}</td>
              <td class="num" data-label="in / out" safe>{`${m.input_price} / ${m.output_price}`}</td><td data-label={ctx.t("admin.catalog.source")} safe>{source(m.source)}</td>
              <td class="actions">{m.source === "database" ? <form method="post" action="/admin/models/delete"><Csrf ctx={ctx} /><input type="hidden" name="id" value={m.id} /><button type="submit" class="danger" safe>{ctx.t("admin.catalog.delete")}</button></form> : readOnly}</td>
            </tr>
          ))}</tbody>
        </table></div>
        {props.models.filter((m) => m.source === "database").map((m) => <EditModel ctx={ctx} m={m} open={which === `model:${m.id}`} e={errorsOf(`model:${m.id}`)} />)}
        <details open={which === "model" || props.testCall !== undefined}>
          <summary safe>{ctx.t("admin.catalog.addModel")}</summary>
          {props.testCall ? <TestCall ctx={ctx} result={props.testCall} /> : ""}
          <form method="post" action="/admin/models" class="stack">
            <Csrf ctx={ctx} />
            <Field id="m-id" name="id" label={ctx.t("admin.catalog.modelId")} value={mo.values.id} error={mo.fields.id} required maxlength={200} />
            <Field id="m-name" name="name" label={ctx.t("admin.catalog.displayName")} value={mo.values.name} error={mo.fields.name} maxlength={200} />
            <div class="field"><label for="m-upstream" safe>{ctx.t("admin.catalog.upstream")}</label>
              <select id="m-upstream" name="upstream">{props.upstreams.map((u) => <Option value={u.name} current={mo.values.upstream ?? ""} label={u.name} />)}</select>
              {mo.fields.upstream ? <span class="error" role="alert" safe>{mo.fields.upstream}</span> : ""}</div>
            <Field id="m-upstream_model" name="upstream_model" label={ctx.t("admin.catalog.upstreamModel")} value={mo.values.upstream_model} error={mo.fields.upstream_model} maxlength={200} />
            <Field id="m-input_price" name="input_price" inputmode="decimal" label={ctx.t("admin.catalog.inputPrice")} value={mo.values.input_price ?? "0"} error={mo.fields.input_price} />
            <Field id="m-output_price" name="output_price" inputmode="decimal" label={ctx.t("admin.catalog.outputPrice")} value={mo.values.output_price ?? "0"} error={mo.fields.output_price} />
            <div class="toolbar">
              <button type="submit" name="intent" value="save" safe>{ctx.t("admin.catalog.addModel")}</button>
              <button type="submit" name="intent" value="test" class="secondary" formnovalidate safe>{ctx.t("admin.catalog.testCall")}</button>
            </div>
          </form>
        </details>
      </section>
    </AdminLayout>
  );
}
