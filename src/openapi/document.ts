// The OpenAPI 3.1 document, generated from the app's route table: each route's `t` schemas and its `detail`
// (written with http/operation.ts). Served at /openapi.json and rendered at /docs/api.
import { detailErrorSchema, openAiErrorSchema, SECURITY_SCHEMES, usesOpenAiShape } from "../http/mod.ts";

/** What the generator reads of a route (Elysia's `app.routes` entries). */
export interface RouteInfo {
  method: string;
  path: string;
  hooks?: {
    body?: unknown;
    params?: unknown;
    response?: unknown;
    detail?: { operationId?: string; hide?: boolean; security?: Array<Record<string, unknown>>; responses?: Record<string, { description: string; content?: Record<string, Media> }>; requestBody?: { content: Record<string, Media> }; parameters?: unknown[] } & Record<string, unknown>;
  };
}

type Media = { schema?: unknown; example?: unknown };
type JsonObject = Record<string, unknown>;

const integer = (description: string) => ({ description, schema: { type: "integer" } });
const REQUEST_ID = { "X-Request-Id": { description: "This request's id (a UUIDv7); it names the call's usage record", schema: { type: "string", format: "uuid" } } };
const LIMIT_HEADERS = {
  "X-RateLimit-Limit": integer("The key's requests per 60-second sliding window"),
  "X-RateLimit-Remaining": integer("Calls left in the current window"),
  "X-RateLimit-Reset": integer("Unix seconds when the oldest call leaves the window"),
  "X-Quota-Limit": integer("The account's monthly quota (requests)"),
  "X-Quota-Remaining": integer("Requests left this month"),
  "X-Quota-Reset": integer("Unix seconds of the next month's start (UTC)"),
};
const RETRY_AFTER = { "Retry-After": { description: "Whole seconds to wait (at least 1)", schema: { type: "integer", minimum: 1 } } };

const TAGS = [
  { name: "accounts", description: "Register, log in, the signed-in user, log out. Errors as {detail}." },
  { name: "api keys", description: "Your API keys (account auth). Errors as {detail}." },
  { name: "usage", description: "Quota and daily usage (account auth). Errors as {detail}." },
  { name: "developer API (OpenAI-compatible)", description: "Called with an API key; the official OpenAI SDKs work with only the base URL changed. Errors as OpenAI's {error}." },
  { name: "developer API (simple)", description: "The seed's simple chat and model list, called with an API key. Errors as {detail}." },
  { name: "operations", description: "Liveness and readiness probes, and Prometheus metrics." },
];

/** "/api/v1/developer/api-keys/:id" → "/api/v1/developer/api-keys/{id}"; no trailing slash. */
function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, "{$1}").replace(/(.)\/$/, "$1");
}

// Elysia turns a numeric query or path property into "a number, or a string that reads as one".
function isCoercedString(node: unknown): boolean {
  return typeof node === "object" && node !== null && (node as JsonObject).type === "string" && ["integer", "numeric"].includes(String((node as JsonObject).format));
}

// Keywords whose value is a schema, or a list or map of schemas; every other keyword's value is data (enum, const, examples…).
const SCHEMA_KEYWORDS = new Set(["items", "additionalProperties", "not", "contains", "if", "then", "else"]);
const SCHEMA_LIST_KEYWORDS = new Set(["anyOf", "allOf", "oneOf", "prefixItems"]);
const SCHEMA_MAP_KEYWORDS = new Set(["properties", "patternProperties", "$defs"]);

/** A `t` schema as OpenAPI 3.1 JSON Schema: schemas with an `$id` become components, Elysia's own `error` goes. */
function convert(schema: unknown, components: Record<string, unknown>): unknown {
  const walk = (node: unknown): unknown => {
    if (typeof node !== "object" || node === null || Array.isArray(node)) return node;
    const { $id, error: _error, ...rest } = node as JsonObject;
    if (Array.isArray(rest.anyOf) && rest.anyOf.some(isCoercedString)) {
      const { anyOf, ...outer } = rest;
      return walk({ ...outer, ...(anyOf as unknown[]).find((branch) => !isCoercedString(branch)) as JsonObject });
    }
    const out = Object.fromEntries(Object.entries(rest).map(([key, value]) => {
      if (SCHEMA_KEYWORDS.has(key)) return [key, walk(value)];
      if (SCHEMA_LIST_KEYWORDS.has(key)) return [key, (value as unknown[]).map(walk)];
      if (SCHEMA_MAP_KEYWORDS.has(key)) return [key, Object.fromEntries(Object.entries(value as JsonObject).map(([name, sub]) => [name, walk(sub)]))];
      return [key, value];
    }));
    if (typeof $id !== "string") return out;
    components[$id] ??= out;
    return { $ref: `#/components/schemas/${$id}` };
  };
  // Through JSON first: TypeBox's symbols and undefined options drop out.
  return schema === undefined ? undefined : walk(JSON.parse(JSON.stringify(schema)));
}

function convertContent(content: Record<string, Media> | undefined, components: Record<string, unknown>): Record<string, Media> {
  return Object.fromEntries(Object.entries(content ?? {}).map(([type, media]) => [type, { ...media, schema: convert(media.schema, components) }]));
}

/** Path parameters from the route's `params` schema. */
function pathParameters(params: unknown, components: Record<string, unknown>): unknown[] {
  const properties = (params as { properties?: Record<string, { description?: string }> } | undefined)?.properties ?? {};
  return Object.entries(properties).map(([name, schema]) => ({ name, in: "path", required: true, ...(schema.description ? { description: schema.description } : {}), schema: convert(schema, components) }));
}

/** The document for `routes`: every route with a `detail.operationId` is an operation; the rest are pages and files. */
export function openApiDocument(routes: readonly RouteInfo[]): JsonObject {
  const components: Record<string, unknown> = {};
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const hooks = route.hooks ?? {};
    const detail = hooks.detail;
    if (!detail?.operationId || detail.hide) continue;
    const { responses = {}, requestBody, parameters = [], hide: _hide, ...operation } = detail;
    const byKey = detail.security?.some((requirement) => "apiKey" in requirement) ?? false;
    const successSchemas = (hooks.response ?? {}) as Record<string, unknown>;
    const documented: JsonObject = {};
    for (const [status, response] of Object.entries(responses)) {
      const content = convertContent(response.content, components);
      const schema = successSchemas[status] ?? (Number(status) >= 400 ? (usesOpenAiShape(route.path) ? openAiErrorSchema : detailErrorSchema) : undefined);
      const json = schema ? { "application/json": { schema: convert(schema, components) } } : {};
      // Every developer-API answer to a valid key carries the limit headers (a 401 has no key, a 503 no limits).
      const limits = byKey && !["401", "503"].includes(status) ? LIMIT_HEADERS : {};
      const headers = { ...REQUEST_ID, ...limits, ...(status === "429" ? RETRY_AFTER : {}) };
      documented[status] = { description: response.description, headers, ...(schema || response.content ? { content: { ...json, ...content } } : {}) };
    }
    const body = requestBody ? { ...requestBody, content: convertContent(requestBody.content, components) }
      : hooks.body ? { required: true, content: { "application/json": { schema: convert(hooks.body, components) } } } : undefined;
    const allParameters = [...pathParameters(hooks.params, components), ...(parameters as Array<JsonObject>).map((p) => ({ ...p, schema: convert(p.schema, components) }))];
    (paths[openApiPath(route.path)] ??= {})[route.method.toLowerCase()] = {
      ...operation,
      ...(allParameters.length ? { parameters: allParameters } : {}),
      ...(body ? { requestBody: body } : {}),
      responses: documented,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "AI Hub API",
      version: "1.0.0",
      description: "Accounts, API keys and usage (`/api/v1/...`, errors as `{\"detail\"}`), and the OpenAI-compatible developer API (`/v1/...`, errors as `{\"error\": {message, type, code, param}}`). Every response carries `X-Request-Id`.",
    },
    servers: [{ url: "/" }],
    tags: TAGS,
    paths,
    components: { securitySchemes: SECURITY_SCHEMES, schemas: Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b))) },
  };
}
