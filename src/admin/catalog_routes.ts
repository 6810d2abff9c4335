// The admin catalog API: /api/v1/admin/upstreams and /models (configuration entries are listed read-only).
import { Elysia, t } from "elysia";
import { type CatalogRefusal, createModelBody, createUpstreamBody, modelSchema, patchModelBody, patchUpstreamBody, upstreamSchema } from "../catalog/mod.ts";
import { type ErrorReason, HttpError, operation } from "../http/mod.ts";
import { type AdminDeps, catalogAction } from "./actions.ts";
import { adminAuth } from "./guard.ts";

const ERRORS = { 401: "Missing, invalid or expired access token", 403: "Admin access required" } as const;
const WRITE_ERRORS = { ...ERRORS, 400: "The body is not JSON", 413: "The body is larger than 1 MiB", 422: "A field is missing or invalid (named in the message)" } as const;
const TAG = "admin";

/** The HTTP error of a refused catalog change, with its machine reason (the API answers the English message). */
export function catalogRefusal(refusal: CatalogRefusal): HttpError {
  switch (refusal.code) {
    case "invalid":
      return new HttpError("validation", refusal.message, { param: refusal.field });
    case "not_found":
      return new HttpError("not_found", refusal.message, { reason: entryReason(refusal) });
    case "name_taken":
      return new HttpError("conflict", refusal.message, { param: refusal.field, reason: { kind: "model_name_taken", name: refusal.name, owner: refusal.owner } });
    case "in_use":
      return new HttpError("conflict", refusal.message, { reason: { kind: "upstream_in_use", upstream: refusal.upstream, model: refusal.model } });
    default:
      return new HttpError("conflict", refusal.message, { reason: entryReason(refusal) });
  }
}

/** The reason of a refusal about one upstream or model by name. */
function entryReason(refusal: Extract<CatalogRefusal, { entry: unknown }>): ErrorReason {
  if (refusal.entry === "upstream") return { kind: `upstream_${refusal.code}`, upstream: refusal.name };
  return { kind: `catalog_model_${refusal.code}`, model: refusal.name };
}

function unwrap<T>(result: { ok: true; after: T | null; before: T | null } | CatalogRefusal, which: "after" | "before"): T {
  if (!result.ok) throw catalogRefusal(result);
  return result[which]!;
}

const deploymentHealthSchema = t.Object({
  model: t.String(), upstream: t.String(), upstream_model: t.String(), priority: t.Integer(), weight: t.Number(),
  state: t.Union([t.Literal("healthy"), t.Literal("cooling_down")]), cooling_until: t.Union([t.String(), t.Null()]), consecutive_failures: t.Integer(),
  keys_out: t.Array(t.Unknown({ description: "A key set aside or resting, named #n by position, never by secret" })),
}, { $id: "AdminDeploymentHealth" });

const nameParams = t.Object({ name: t.String({ maxLength: 100, description: "The upstream's name" }) });
const idParams = t.Object({ id: t.String({ maxLength: 200, description: "The model's id (URL-encoded)" }) });

/** The upstreams and models routes. */
export function catalogRoutes(deps: AdminDeps) {
  const { database: { db }, config, catalog } = deps;
  return new Elysia()
    .use(adminAuth(db, config))
    .get("/upstreams", async () => ({ upstreams: catalog.listUpstreams(), deployments: await deps.router.status(catalog.models()) }), {
      response: { 200: t.Object({ upstreams: t.Array(upstreamSchema), deployments: t.Array(deploymentHealthSchema) }) },
      detail: operation({ operationId: "adminListUpstreams", summary: "Upstreams (keys are write-only and never returned) and the health of every deployment", tag: TAG, access: "account", errors: ERRORS }),
    })
    .post("/upstreams", async ({ body, actor, set }) => {
      const created = unwrap(await catalogAction(deps, actor, "upstream.create", `upstream:${body.name}`, (c) => c.createUpstream(body)), "after");
      set.status = 201;
      return created;
    }, {
      body: createUpstreamBody,
      response: { 201: upstreamSchema },
      detail: operation({ operationId: "adminCreateUpstream", summary: "Add an upstream (its keys are stored encrypted, never shown again)", tag: TAG, access: "account", success: { status: 201, description: "Created" }, errors: { ...WRITE_ERRORS, 409: "An upstream with this name exists" } }),
    })
    .patch("/upstreams/:name", async ({ params, body, actor }) => unwrap(await catalogAction(deps, actor, "upstream.update", `upstream:${params.name}`, (c) => c.updateUpstream(params.name, body)), "after"), {
      params: nameParams,
      body: patchUpstreamBody,
      response: { 200: upstreamSchema },
      detail: operation({ operationId: "adminUpdateUpstream", summary: "Change an upstream (keys given replace the old ones)", tag: TAG, access: "account", errors: { ...WRITE_ERRORS, 404: "Upstream not found", 409: "The upstream comes from the configuration and is read-only" } }),
    })
    .delete("/upstreams/:name", async ({ params, actor, set }) => {
      unwrap(await catalogAction(deps, actor, "upstream.delete", `upstream:${params.name}`, (c) => c.deleteUpstream(params.name)), "before");
      set.status = 204;
      return null;
    }, {
      params: nameParams,
      detail: operation({ operationId: "adminDeleteUpstream", summary: "Remove an upstream that no model uses", tag: TAG, access: "account", success: { status: 204, description: "Removed" }, errors: { ...ERRORS, 404: "Upstream not found", 409: "Read-only, or a model still uses it" } }),
    })
    .get("/models", () => ({ models: catalog.listModels() }), {
      response: { 200: t.Object({ models: t.Array(modelSchema) }) },
      detail: operation({ operationId: "adminListModels", summary: "Models with deployments and prices", tag: TAG, access: "account", errors: ERRORS }),
    })
    .post("/models", async ({ body, actor, set }) => {
      const created = unwrap(await catalogAction(deps, actor, "model.create", `model:${body.id}`, (c) => c.createModel(body)), "after");
      set.status = 201;
      return created;
    }, {
      body: createModelBody,
      response: { 201: modelSchema },
      detail: operation({ operationId: "adminCreateModel", summary: "Add a model (served on every instance within a second)", tag: TAG, access: "account", success: { status: 201, description: "Created" }, errors: { ...WRITE_ERRORS, 409: "A model with this id exists, or the id or an alias is already a name of another model" } }),
    })
    .patch("/models/:id", async ({ params, body, actor }) => {
      const id = params.id.includes("%") ? decodeURIComponent(params.id) : params.id;
      return unwrap(await catalogAction(deps, actor, "model.update", `model:${id}`, (c) => c.updateModel(id, body)), "after");
    }, {
      params: idParams,
      body: patchModelBody,
      response: { 200: modelSchema },
      detail: operation({ operationId: "adminUpdateModel", summary: "Change a model's name, aliases, prices or deployments", tag: TAG, access: "account", errors: { ...WRITE_ERRORS, 404: "Model not found", 409: "The model comes from the configuration and is read-only, or an alias is already a name of another model" } }),
    })
    .delete("/models/:id", async ({ params, actor, set }) => {
      const id = params.id.includes("%") ? decodeURIComponent(params.id) : params.id;
      unwrap(await catalogAction(deps, actor, "model.delete", `model:${id}`, (c) => c.deleteModel(id)), "before");
      set.status = 204;
      return null;
    }, {
      params: idParams,
      detail: operation({ operationId: "adminDeleteModel", summary: "Remove a model (its usage history stays readable)", tag: TAG, access: "account", success: { status: 204, description: "Removed" }, errors: { ...ERRORS, 404: "Model not found", 409: "The model comes from the configuration and is read-only" } }),
    });
}
