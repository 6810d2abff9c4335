// Payloads of the admin catalog API: upstreams and models in UPSTREAMS_FILE's shape (snake_case), as `t` schemas.
import { t } from "elysia";
import { jsonInteger } from "../http/mod.ts";
import { singleLineText } from "../http/text.ts";

const NAME = { minLength: 1, maxLength: 100, pattern: "^[A-Za-z0-9][A-Za-z0-9._-]*$", error: "must be 1–100 letters, digits, '.', '_' or '-'" };
const MODEL_ID = { minLength: 1, maxLength: 200, pattern: "^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$", error: "must be 1–200 characters without spaces" };
const BASE_URL = t.String({ maxLength: 2000, pattern: "^https?://[^\\s/?#]+[^\\s]*$", error: "must be an http:// or https:// URL" });
const PRICE = t.Number({ minimum: 0, maximum: 1_000_000, error: "must be a number from 0 to 1,000,000 (USD per million tokens)" });
const SECRET = t.String({ minLength: 1, maxLength: 1000, pattern: "^[\\x21-\\x7e]+$", error: "must be 1–1,000 visible characters" });

export const upstreamFields = {
  base_url: BASE_URL,
  api_key: t.Optional(SECRET),
  api_keys: t.Optional(t.Array(SECRET, { maxItems: 50, error: "must be a list of at most 50 keys" })),
  timeout_ms: t.Optional(jsonInteger({ minimum: 100, maximum: 3_600_000, error: "must be an integer from 100 to 3,600,000" })),
};

export const createUpstreamBody = t.Object({ name: t.String(NAME), ...upstreamFields }, { additionalProperties: false });
export type CreateUpstreamBody = typeof createUpstreamBody.static;
export const patchUpstreamBody = t.Partial(t.Object(upstreamFields), { additionalProperties: false });
export type PatchUpstreamBody = typeof patchUpstreamBody.static;

export const upstreamSchema = t.Object({
  name: t.String(),
  base_url: t.String(),
  api_keys_count: t.Integer({ description: "How many keys the upstream has; the keys themselves are write-only" }),
  timeout_ms: t.Integer(),
  source: t.Union([t.Literal("config"), t.Literal("database")]),
}, { $id: "AdminUpstream" });
export type UpstreamView = typeof upstreamSchema.static;

const deployment = t.Object({
  upstream: t.String(NAME),
  upstream_model: t.Optional(t.String(MODEL_ID)),
  priority: t.Optional(jsonInteger({ minimum: 0, maximum: 1000, error: "must be an integer from 0 to 1,000" })),
  weight: t.Optional(jsonInteger({ minimum: 1, maximum: 1000, error: "must be an integer from 1 to 1,000" })),
}, { additionalProperties: false });

export const modelFields = {
  name: t.Optional(singleLineText({ minLength: 1, maxLength: 200, visible: true })),
  aliases: t.Optional(t.Array(t.String(MODEL_ID), { maxItems: 20, error: "must be a list of at most 20 ids" })),
  input_price: t.Optional(PRICE),
  output_price: t.Optional(PRICE),
  upstream: t.Optional(t.String(NAME)),
  upstream_model: t.Optional(t.String(MODEL_ID)),
  deployments: t.Optional(t.Array(deployment, { minItems: 1, maxItems: 20, error: "must list 1–20 deployments" })),
};

export const createModelBody = t.Object({ id: t.String(MODEL_ID), ...modelFields }, { additionalProperties: false });
export type CreateModelBody = typeof createModelBody.static;
export const patchModelBody = t.Partial(t.Object(modelFields), { additionalProperties: false });
export type PatchModelBody = typeof patchModelBody.static;

export const modelSchema = t.Object({
  id: t.String(),
  name: t.String(),
  aliases: t.Array(t.String()),
  input_price: t.Number(),
  output_price: t.Number(),
  deployments: t.Array(t.Object({ upstream: t.String(), upstream_model: t.String(), priority: t.Integer(), weight: t.Integer() })),
  free: t.Boolean(),
  source: t.Union([t.Literal("config"), t.Literal("database")]),
}, { $id: "AdminModel" });
export type ModelView = typeof modelSchema.static;
