// The model catalog operators edit: configuration entries (read-only) and database entries, upstream keys sealed at rest.
export { openCatalog } from "./catalog.ts";
export type { Catalog, CatalogChange, CatalogRefusal } from "./catalog.ts";
export { createModelBody, createUpstreamBody, modelSchema, patchModelBody, patchUpstreamBody, upstreamSchema } from "./model.ts";
export type { CreateModelBody, CreateUpstreamBody, ModelView, PatchModelBody, PatchUpstreamBody, UpstreamView } from "./model.ts";
export { createSealer } from "./secrets.ts";
export type { Sealer } from "./secrets.ts";
