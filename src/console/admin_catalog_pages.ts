// Console pages for operators' upstreams and models: list (config entries read-only), add, edit, delete.
import { Elysia } from "elysia";
import { type AdminDeps, catalogAction, catalogRefusal, type TestCallResult, testModelCall } from "../admin/mod.ts";
import { createModelBody, createUpstreamBody, patchModelBody, patchUpstreamBody } from "../catalog/mod.ts";
import { HttpError, parsePayload } from "../http/mod.ts";
import { AdminCatalogPage } from "../../views/pages/admin/catalog.tsx";
import type { FormErrors, PageContext } from "../../views/types.ts";
import { consoleActor, formValues, numberField, requireAdmin } from "./admin_guard.ts";
import { localizeFieldErrors, parseDeploymentLines } from "./admin_catalog_forms.ts";
import { formErrors } from "./forms.ts";
import { pageAt, redirectTo } from "./render.ts";
import { type ConsoleDeps, consoleSession } from "./session.ts";

/** The page every catalog form lives on (and, for a POST, what its language switch opens). */
const CATALOG = "/admin/catalog";

type FormContext = { page: PageContext; htmx: boolean; set: { status?: number | string }; html(v: JSX.Element): unknown };

/** The upstreams and models page. */
export function adminCatalogPages(deps: ConsoleDeps & AdminDeps) {
  const { catalog } = deps;
  const page = (ctx: PageContext, extra: { errors?: FormErrors & { form_id?: string }; notice?: string; testCall?: TestCallResult } = {}) =>
    AdminCatalogPage({ ctx, upstreams: catalog.listUpstreams(), models: catalog.listModels(), ...extra });
  /**
   * Runs a catalog change from a form: back to the page when done, else the page with the error next to its field,
   * in the page's language (a refusal by its reason; a field by the catalog's own wording, which replaces errorText's).
   */
  const submit = async (c: FormContext, formId: string | undefined, values: Record<string, string>, run: () => Promise<{ ok: true } | Parameters<typeof catalogRefusal>[0]>) => {
    try {
      const result = await run();
      if (!result.ok) throw catalogRefusal(result);
      return redirectTo(`${CATALOG}?saved=1`, c.htmx);
    } catch (error) {
      c.set.status = error instanceof HttpError ? error.status : 400;
      return c.html(page(pageAt(c.page, CATALOG), { errors: { ...localizeFieldErrors(c.page, formErrors(error, values, { t: c.page.t }), formId), form_id: formId } }));
    }
  };

  return new Elysia()
    .use(consoleSession(deps))
    .onBeforeHandle(requireAdmin())
    .get(CATALOG, ({ page: ctx, query, html }) => html(page(ctx, { notice: query.saved ? ctx.t("admin.saved") : undefined })))
    .post("/admin/upstreams", (c) => {
      const values = formValues(c.body, ["name", "base_url", "api_key"]);
      return submit(c, "upstream", { name: values.name, base_url: values.base_url }, async () => {
        const input = parsePayload(createUpstreamBody, { name: values.name, base_url: values.base_url, ...(values.api_key ? { api_key: values.api_key } : {}) });
        return await catalogAction(deps, consoleActor(c.user!), "upstream.create", `upstream:${input.name}`, (cat) => cat.createUpstream(input));
      });
    })
    .post("/admin/upstreams/edit", (c) => {
      const values = formValues(c.body, ["name", "base_url", "timeout_ms", "api_keys"]);
      // Keys are write-only: never sent back into the form, and an empty field keeps the stored ones.
      const keys = values.api_keys.split(/\r?\n/).map((k) => k.trim()).filter(Boolean);
      return submit(c, `upstream:${values.name}`, { base_url: values.base_url, timeout_ms: values.timeout_ms }, async () => {
        const input = parsePayload(patchUpstreamBody, { base_url: values.base_url, ...(values.timeout_ms ? { timeout_ms: numberField(values.timeout_ms) } : {}), ...(keys.length ? { api_keys: keys } : {}) });
        return await catalogAction(deps, consoleActor(c.user!), "upstream.update", `upstream:${values.name}`, (cat) => cat.updateUpstream(values.name, input));
      });
    })
    .post("/admin/upstreams/delete", (c) => {
      const { name } = formValues(c.body, ["name"]);
      return submit(c, undefined, {}, () => catalogAction(deps, consoleActor(c.user!), "upstream.delete", `upstream:${name}`, (cat) => cat.deleteUpstream(name)));
    })
    .post("/admin/models", async (c) => {
      const values = formValues(c.body, ["id", "name", "upstream", "upstream_model", "input_price", "output_price", "intent"]);
      const { intent, ...shown } = values;
      const parse = () => parsePayload(createModelBody, {
        id: values.id,
        upstream: values.upstream,
        ...(values.name ? { name: values.name } : {}),
        ...(values.upstream_model ? { upstream_model: values.upstream_model } : {}),
        input_price: numberField(values.input_price) ?? 0,
        output_price: numberField(values.output_price) ?? 0,
      });
      if (intent === "test") {
        // A test call saves nothing: the form comes back filled in, with the upstream's answer above it.
        let input: ReturnType<typeof parse>;
        try {
          input = parse();
        } catch (error) {
          return await submit(c, "model", shown, () => Promise.reject(error));
        }
        const testCall = await testModelCall(catalog.upstreams(), { upstream: input.upstream!, upstreamModel: input.upstream_model ?? input.id });
        return c.html(page(pageAt(c.page, CATALOG), { errors: { values: shown, form_id: "model" }, testCall }));
      }
      return submit(c, "model", shown, async () => {
        const input = parse();
        return await catalogAction(deps, consoleActor(c.user!), "model.create", `model:${input.id}`, (cat) => cat.createModel(input));
      });
    })
    .post("/admin/models/edit", (c) => {
      const values = formValues(c.body, ["id", "name", "input_price", "output_price", "deployments"]);
      return submit(c, `model:${values.id}`, values, async () => {
        const input = parsePayload(patchModelBody, {
          ...(values.name ? { name: values.name } : {}),
          input_price: numberField(values.input_price) ?? 0,
          output_price: numberField(values.output_price) ?? 0,
          ...(values.deployments ? { deployments: parseDeploymentLines(values.deployments) } : {}),
        });
        return await catalogAction(deps, consoleActor(c.user!), "model.update", `model:${values.id}`, (cat) => cat.updateModel(values.id, input));
      });
    })
    .post("/admin/models/delete", (c) => {
      const { id } = formValues(c.body, ["id"]);
      return submit(c, undefined, {}, () => catalogAction(deps, consoleActor(c.user!), "model.delete", `model:${id}`, (cat) => cat.deleteModel(id)));
    });
}
