// How a route describes itself for the OpenAPI document (its Elysia `detail`): name, who may call it, its refusals.
import type { TSchema } from "@sinclair/typebox";
import type { DocumentDecoration } from "elysia";

/** Who may call a route: anyone, a signed-in account (access token), an API key, or a scraper (METRICS_TOKEN, when set). */
export type Access = "public" | "account" | "apiKey" | "metrics";

export const SECURITY_SCHEMES = {
  accountToken: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "The access_token from register or login" },
  apiKey: { type: "http", scheme: "bearer", description: "An API key: ai-hub- followed by 43 url-safe characters" },
  metricsToken: { type: "http", scheme: "bearer", description: "The operator's METRICS_TOKEN; required only when it is set" },
} as const;

// {} first: the metrics token is optional (required only when the operator set METRICS_TOKEN).
const SECURITY: Record<Access, Array<Record<string, string[]>>> = { public: [], account: [{ accountToken: [] }], apiKey: [{ apiKey: [] }], metrics: [{}, { metricsToken: [] }] };

export interface OperationDoc {
  operationId: string;
  summary: string;
  tag: string;
  access: Access;
  description?: string;
  /** The error statuses this operation answers with, and when (their body shape follows from the path). */
  errors?: Record<number, string>;
  /** The body of a route that reads its own body (so Elysia has no `body` schema for it). */
  body?: { schema: TSchema; example?: unknown };
  /** The query of a route that reads its own query string (its properties become query parameters). */
  query?: TSchema;
  /** What a success looks like, when it is not just the route's `response` schema as JSON. */
  success?: { status?: number; description?: string; eventStream?: string; text?: string };
}

/** A query schema's properties as OpenAPI query parameters. */
function queryParameters(query: TSchema) {
  const required = new Set<string>(query.required ?? []);
  return Object.entries(query.properties as Record<string, TSchema>).map(([name, schema]) => ({
    name, in: "query", required: required.has(name), ...(schema.description ? { description: schema.description } : {}), schema,
  }));
}

/** The `detail` of a route: an OpenAPI operation whose schemas are `t` schemas, completed by openapi/document.ts. */
export function operation(doc: OperationDoc): DocumentDecoration {
  const responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }> = {};
  const status = String(doc.success?.status ?? 200);
  responses[status] = { description: doc.success?.description ?? "OK" };
  if (doc.success?.eventStream) responses[status]!.content = { "text/event-stream": { schema: { type: "string", description: doc.success.eventStream } } };
  if (doc.success?.text) responses[status]!.content = { "text/plain": { schema: { type: "string", description: doc.success.text } } };
  for (const [code, description] of Object.entries(doc.errors ?? {})) responses[code] = { description };
  return {
    operationId: doc.operationId,
    summary: doc.summary,
    tags: [doc.tag],
    security: SECURITY[doc.access],
    ...(doc.description ? { description: doc.description } : {}),
    ...(doc.body ? { requestBody: { required: true, content: { "application/json": { schema: doc.body.schema, ...(doc.body.example === undefined ? {} : { example: doc.body.example }) } } } } : {}),
    ...(doc.query ? { parameters: queryParameters(doc.query) } : {}),
    responses,
  } as DocumentDecoration;
}

/** The refusals every account-auth route can answer with. */
export const ACCOUNT_ERRORS = { 401: "Missing, invalid or expired access token", 403: "Account is disabled" } as const;
