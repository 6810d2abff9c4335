// The live catalog: upstreams and models from the configuration (read-only) merged with those stored in the database.
import { eq, sql } from "drizzle-orm";
import { claimModelNames, type ModelConfig, type UpstreamConfig } from "../config.ts";
import type { Db } from "../db/mod.ts";
import { catalogModels, catalogUpstreams, type StoredDeployment } from "../db/schema/mod.ts";
import type { CreateModelBody, CreateUpstreamBody, ModelView, PatchModelBody, PatchUpstreamBody, UpstreamView } from "./model.ts";
import type { Sealer } from "./secrets.ts";

const DEFAULT_TIMEOUT_MS = 120_000;

/** A deployment in the routing branch's shape; set beside `upstream`/`upstreamModel` so either reader finds it. */
interface LiveDeployment {
  upstream: string;
  upstreamModel: string;
  priority: number;
  weight: number;
}
type LiveModel = ModelConfig & { aliases?: readonly string[]; deployments?: readonly LiveDeployment[] };
type LiveUpstream = UpstreamConfig & { apiKeys?: readonly string[] };

/** A refused change: its code, the names its message quotes (for the console to word it), and the API's English message. */
export type CatalogRefusal =
  | { ok: false; code: "exists" | "not_found" | "read_only"; entry: "upstream" | "model"; name: string; message: string }
  | { ok: false; code: "in_use"; upstream: string; model: string; message: string }
  | { ok: false; code: "invalid"; field: string; message: string }
  /** An id or alias that is already a name of another model. */
  | { ok: false; code: "name_taken"; field: "id" | "aliases"; name: string; owner: string; message: string };
export type CatalogChange<T> = { ok: true; before: T | null; after: T | null } | CatalogRefusal;

export interface Catalog {
  /** Every model the hub offers now (what the gateway routes). */
  models(): readonly ModelConfig[];
  upstreams(): readonly UpstreamConfig[];
  listUpstreams(): UpstreamView[];
  listModels(): ModelView[];
  /** Reads the database entries again (after a change here or on another instance). */
  reload(): Promise<void>;
  createUpstream(input: CreateUpstreamBody): Promise<CatalogChange<UpstreamView>>;
  updateUpstream(name: string, input: PatchUpstreamBody): Promise<CatalogChange<UpstreamView>>;
  deleteUpstream(name: string): Promise<CatalogChange<UpstreamView>>;
  createModel(input: CreateModelBody): Promise<CatalogChange<ModelView>>;
  updateModel(id: string, input: PatchModelBody): Promise<CatalogChange<ModelView>>;
  deleteModel(id: string): Promise<CatalogChange<ModelView>>;
}

function deploymentsOf(model: LiveModel): LiveDeployment[] {
  return model.deployments?.length ? [...model.deployments] : [{ upstream: model.upstream, upstreamModel: model.upstreamModel, priority: 1, weight: 1 }];
}

function upstreamView(u: LiveUpstream, source: "config" | "database"): UpstreamView {
  const count = u.apiKeys?.length ?? (u.apiKey ? 1 : 0);
  return { name: u.name, base_url: u.baseUrl, api_keys_count: count, timeout_ms: u.timeoutMs, source };
}

function modelView(m: LiveModel, source: "config" | "database"): ModelView {
  return {
    id: m.id, name: m.name, aliases: [...(m.aliases ?? [])], input_price: m.inputPrice, output_price: m.outputPrice, free: m.free, source,
    deployments: deploymentsOf(m).map((d) => ({ upstream: d.upstream, upstream_model: d.upstreamModel, priority: d.priority, weight: d.weight })),
  };
}

function liveModel(row: typeof catalogModels.$inferSelect): LiveModel {
  const deployments = [...row.deployments].sort((a, b) => a.priority - b.priority)
    .map((d) => ({ upstream: d.upstream, upstreamModel: d.upstream_model, priority: d.priority, weight: d.weight }));
  const first = deployments[0]!;
  return {
    id: row.id, name: row.name, upstream: first.upstream, upstreamModel: first.upstreamModel, inputPrice: row.inputPrice, outputPrice: row.outputPrice,
    free: row.inputPrice === 0 && row.outputPrice === 0, aliases: row.aliases, deployments,
  };
}

const modelExists = (id: string): CatalogRefusal => ({ ok: false, code: "exists", entry: "model", name: id, message: `A model with id "${id}" already exists` });
const upstreamExists = (name: string): CatalogRefusal => ({ ok: false, code: "exists", entry: "upstream", name, message: `An upstream named "${name}" already exists` });
const notFound = (entry: "upstream" | "model", name: string): CatalogRefusal =>
  ({ ok: false, code: "not_found", entry, name, message: `${entry === "upstream" ? "Upstream" : "Model"} "${name}" not found` });

/** Why `model` cannot have its names beside the models `served` (less the one it replaces, on update), or null. */
function nameRefusal(served: readonly LiveModel[], model: { id: string; aliases: readonly string[] }, verb: "create" | "update"): CatalogRefusal | null {
  const taken = new Map<string, string>();
  for (const other of served) {
    if (verb === "update" && other.id === model.id) continue;
    // A clash among these (stored before names were checked) is not this change's to refuse: only its own names are.
    for (const name of [other.id, ...(other.aliases ?? [])]) if (!taken.has(name)) taken.set(name, other.id);
  }
  const clash = claimModelNames(model, taken);
  if (!clash) return null;
  if (clash.owner !== model.id) {
    const what = clash.field === "id" ? "its 'id'" : `"${clash.name}" in 'aliases'`;
    const whose = clash.name === clash.owner ? "the id" : "an alias";
    return { ok: false, code: "name_taken", field: clash.field, name: clash.name, owner: clash.owner, message: `Cannot ${verb} model "${model.id}": ${what} is already ${whose} of model "${clash.owner}" (every name must pick one model)` };
  }
  if (clash.field === "id") return modelExists(model.id);
  return { ok: false, code: "invalid", field: "aliases", message: `Invalid field 'aliases': "${clash.name}" ${clash.name === model.id ? "is the model's own id" : "is listed twice"}` };
}

/** The deployments a model body describes: its list, or the single upstream form. */
function storedDeployments(input: { id?: string; upstream?: string; upstream_model?: string; deployments?: CreateModelBody["deployments"] }, id: string): StoredDeployment[] | null {
  if (input.deployments) return input.deployments.map((d) => ({ upstream: d.upstream, upstream_model: d.upstream_model ?? id, priority: d.priority ?? 1, weight: d.weight ?? 1 }));
  if (input.upstream) return [{ upstream: input.upstream, upstream_model: input.upstream_model ?? id, priority: 1, weight: 1 }];
  return null;
}

/** Opens the catalog over the configuration's entries and the database's. */
export async function openCatalog(db: Db, options: { config: { readonly models: readonly ModelConfig[]; readonly upstreams: readonly UpstreamConfig[] }; sealer: Sealer; onError?: (error: unknown) => void }): Promise<Catalog> {
  const { config, sealer } = options;
  let dbUpstreams: LiveUpstream[] = [];
  let dbModels: LiveModel[] = [];
  let upstreams: readonly UpstreamConfig[] = config.upstreams;
  let models: readonly ModelConfig[] = config.models;
  const configUpstream = (name: string) => config.upstreams.some((u) => u.name === name);
  const configModel = (id: string) => config.models.some((m) => m.id === id);

  const storedModels = (rows: Array<typeof catalogModels.$inferSelect>) => rows.filter((row) => !configModel(row.id) && row.deployments.length > 0).map(liveModel);
  /**
   * The models served, as stored now, with other writers of models locked out until `tx` ends: two instances (each
   * catalog may be a second behind the other) cannot give one name to two models.
   */
  const servedModelsLocked = async (tx: Db): Promise<LiveModel[]> => {
    await tx.execute(sql.raw("lock table catalog_models in share row exclusive mode"));
    return [...config.models, ...storedModels(await tx.select().from(catalogModels))];
  };

  async function reload() {
    const [u, m] = await Promise.all([db.select().from(catalogUpstreams), db.select().from(catalogModels)]);
    dbUpstreams = u.filter((row) => !configUpstream(row.name)).map((row) => {
      const keys = row.apiKeysSealed.flatMap((sealed) => {
        try {
          return [sealer.open(sealed)];
        } catch (error) {
          options.onError?.(error);
          return [];
        }
      });
      return { name: row.name, baseUrl: row.baseUrl, apiKey: keys[0] ?? "", apiKeys: keys, headers: row.headers, timeoutMs: row.timeoutMs ?? DEFAULT_TIMEOUT_MS };
    });
    dbModels = storedModels(m);
    upstreams = Object.freeze([...config.upstreams, ...dbUpstreams]);
    models = Object.freeze([...config.models, ...dbModels]);
  }
  await reload();

  const findUpstream = (name: string) => dbUpstreams.find((u) => u.name === name);
  const findModel = (id: string) => dbModels.find((m) => m.id === id);
  const readOnly = (entry: "upstream" | "model", name: string): CatalogRefusal => ({
    ok: false, code: "read_only", entry, name,
    message: `${entry === "upstream" ? "Upstream" : "Model"} "${name}" comes from the configuration (environment or UPSTREAMS_FILE) and is read-only`,
  });
  const checkDeployments = (deployments: StoredDeployment[], field: string): CatalogRefusal | null => {
    for (const [i, d] of deployments.entries()) {
      if (!upstreams.some((u) => u.name === d.upstream)) return { ok: false, code: "invalid", field: `${field}[${i}].upstream`, message: `Invalid field '${field === "upstream" ? "upstream" : `${field}[${i}].upstream`}': no upstream named "${d.upstream}"` };
    }
    return null;
  };
  const sealKeys = (input: { api_key?: string; api_keys?: string[] }) => (input.api_keys ?? (input.api_key ? [input.api_key] : [])).map((k) => sealer.seal(k));

  return {
    models: () => models,
    upstreams: () => upstreams,
    listUpstreams: () => [...config.upstreams.map((u) => upstreamView(u, "config")), ...dbUpstreams.map((u) => upstreamView(u, "database"))],
    listModels: () => [...config.models.map((m) => modelView(m, "config")), ...dbModels.map((m) => modelView(m, "database"))],
    reload,
    async createUpstream(input) {
      if (upstreams.some((u) => u.name === input.name) || input.name === "demo") return upstreamExists(input.name);
      const inserted = await db.insert(catalogUpstreams).values({ name: input.name, baseUrl: input.base_url.replace(/\/+$/, ""), apiKeysSealed: sealKeys(input), timeoutMs: input.timeout_ms ?? null })
        .onConflictDoNothing().returning({ name: catalogUpstreams.name });
      if (!inserted[0]) return upstreamExists(input.name);
      await reload();
      return { ok: true, before: null, after: upstreamView(findUpstream(input.name)!, "database") };
    },
    async updateUpstream(name, input) {
      if (configUpstream(name)) return readOnly("upstream", name);
      const existing = findUpstream(name);
      if (!existing) return notFound("upstream", name);
      const before = upstreamView(existing, "database");
      const keysGiven = input.api_key !== undefined || input.api_keys !== undefined;
      await db.update(catalogUpstreams).set({
        ...(input.base_url !== undefined ? { baseUrl: input.base_url.replace(/\/+$/, "") } : {}),
        ...(keysGiven ? { apiKeysSealed: sealKeys(input) } : {}),
        ...(input.timeout_ms !== undefined ? { timeoutMs: input.timeout_ms } : {}),
        updatedAt: new Date(),
      }).where(eq(catalogUpstreams.name, name));
      await reload();
      return { ok: true, before, after: upstreamView(findUpstream(name)!, "database") };
    },
    async deleteUpstream(name) {
      if (configUpstream(name)) return readOnly("upstream", name);
      const existing = findUpstream(name);
      if (!existing) return notFound("upstream", name);
      const user = dbModels.find((m) => deploymentsOf(m).some((d) => d.upstream === name));
      if (user) return { ok: false, code: "in_use", upstream: name, model: user.id, message: `Upstream "${name}" still serves model "${user.id}": remove or move the model first` };
      await db.delete(catalogUpstreams).where(eq(catalogUpstreams.name, name));
      await reload();
      return { ok: true, before: upstreamView(existing, "database"), after: null };
    },
    async createModel(input) {
      if (models.some((m) => m.id === input.id)) return modelExists(input.id);
      const deployments = storedDeployments(input, input.id);
      if (!deployments) return { ok: false, code: "invalid", field: "upstream", message: "Missing field 'upstream': give an upstream or a list of deployments" };
      const bad = checkDeployments(deployments, input.deployments ? "deployments" : "upstream");
      if (bad) return bad;
      const aliases = input.aliases ?? [];
      const refused = await db.transaction(async (tx) => {
        const clash = nameRefusal(await servedModelsLocked(tx), { id: input.id, aliases }, "create");
        if (clash) return clash;
        const inserted = await tx.insert(catalogModels).values({ id: input.id, name: input.name ?? input.id, aliases, inputPrice: input.input_price ?? 0, outputPrice: input.output_price ?? 0, deployments })
          .onConflictDoNothing().returning({ id: catalogModels.id });
        return inserted[0] ? null : modelExists(input.id);
      });
      if (refused) return refused;
      await reload();
      return { ok: true, before: null, after: modelView(findModel(input.id)!, "database") };
    },
    async updateModel(id, input) {
      if (configModel(id)) return readOnly("model", id);
      const existing = findModel(id);
      if (!existing) return notFound("model", id);
      const deployments = storedDeployments(input, id);
      if (deployments) {
        const bad = checkDeployments(deployments, input.deployments ? "deployments" : "upstream");
        if (bad) return bad;
      }
      const before = modelView(existing, "database");
      const refused = await db.transaction(async (tx) => {
        if (input.aliases !== undefined) {
          const clash = nameRefusal(await servedModelsLocked(tx), { id, aliases: input.aliases }, "update");
          if (clash) return clash;
        }
        await tx.update(catalogModels).set({
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.aliases !== undefined ? { aliases: input.aliases } : {}),
          ...(input.input_price !== undefined ? { inputPrice: input.input_price } : {}),
          ...(input.output_price !== undefined ? { outputPrice: input.output_price } : {}),
          ...(deployments ? { deployments } : {}),
          updatedAt: new Date(),
        }).where(eq(catalogModels.id, id));
        return null;
      });
      if (refused) return refused;
      await reload();
      return { ok: true, before, after: modelView(findModel(id)!, "database") };
    },
    async deleteModel(id) {
      if (configModel(id)) return readOnly("model", id);
      const existing = findModel(id);
      if (!existing) return notFound("model", id);
      // Usage records keep the model's id as text, so its history stays readable after it is removed.
      await db.delete(catalogModels).where(eq(catalogModels.id, id));
      await reload();
      return { ok: true, before: modelView(existing, "database"), after: null };
    },
  };
}
