// The OpenAPI 3.1 description of the hub's HTTP API, served at /openapi.json and rendered at /docs/api.

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown, example?: unknown) => ({ "application/json": { schema, ...(example === undefined ? {} : { example }) } });
const detailError = (description: string) => ({ description, content: json(ref("DetailError")) });
const openAiError = (description: string) => ({ description, content: json(ref("OpenAIError")) });

const LIMIT_HEADERS = {
  "X-RateLimit-Limit": { description: "The key's requests per 60-second sliding window", schema: { type: "integer" } },
  "X-RateLimit-Remaining": { description: "Calls left in the current window", schema: { type: "integer" } },
  "X-RateLimit-Reset": { description: "Unix seconds when the oldest call leaves the window", schema: { type: "integer" } },
  "X-Quota-Limit": { description: "The account's monthly quota (requests)", schema: { type: "integer" } },
  "X-Quota-Remaining": { description: "Requests left this month", schema: { type: "integer" } },
  "X-Quota-Reset": { description: "Unix seconds of the next month's start (UTC)", schema: { type: "integer" } },
};

const developerErrors = (shape: "openai" | "detail") => {
  const e = shape === "openai" ? openAiError : detailError;
  return {
    "400": e("Malformed JSON or body"),
    "401": e("Missing or invalid API key / Invalid or expired API key"),
    "402": { ...e("Quota exceeded. Used X/Y requests this month."), headers: LIMIT_HEADERS },
    "404": e("Unknown model"),
    "413": e("Body larger than 1 MiB"),
    "422": e("A field is missing or has the wrong type (named in the message / param)"),
    "429": { ...e("Rate limit exceeded. Maximum N requests per minute."), headers: { ...LIMIT_HEADERS, "Retry-After": { schema: { type: "integer", minimum: 1 } } } },
    "502": e("The upstream failed (5xx, refused connection, malformed or truncated body)"),
    "503": e("The hub's database or Redis is unavailable; retry shortly"),
    "504": e("The upstream timed out"),
  };
};

/** The OpenAPI document; `models` lists the catalog's model ids. */
export function openApiDocument(models: readonly string[]) {
  return {
    openapi: "3.1.0",
    info: {
      title: "AI Hub API",
      version: "1.0.0",
      description: "Accounts, API keys and usage (`/api/v1/...`, errors as `{\"detail\"}`), and the OpenAI-compatible developer API (`/v1/...`, errors as `{\"error\": {message, type, code, param}}`). Every response carries `X-Request-Id`.",
    },
    servers: [{ url: "/" }],
    tags: [
      { name: "accounts" },
      { name: "api keys" },
      { name: "usage" },
      { name: "developer API (OpenAI-compatible)" },
      { name: "developer API (simple)" },
      { name: "operations" },
    ],
    components: {
      securitySchemes: {
        accountToken: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "access_token from register or login" },
        apiKey: { type: "http", scheme: "bearer", description: "An API key: ai-hub- followed by 43 url-safe characters" },
      },
      schemas: {
        DetailError: { type: "object", required: ["detail"], properties: { detail: { type: "string" } } },
        OpenAIError: {
          type: "object",
          required: ["error"],
          properties: { error: { type: "object", required: ["message", "type", "code", "param"], properties: { message: { type: "string" }, type: { type: "string" }, code: { type: ["string", "null"] }, param: { type: ["string", "null"] } } } },
        },
        User: {
          type: "object",
          properties: {
            id: { type: "integer" }, email: { type: "string", format: "email" }, full_name: { type: ["string", "null"] }, plan: { type: "string", enum: ["free", "pro", "enterprise"] },
            monthly_quota: { type: "integer" }, quota_used: { type: "integer" }, quota_remaining: { type: "integer" }, is_active: { type: "boolean" }, created_at: { type: "string", format: "date-time" },
          },
        },
        AuthResponse: { type: "object", properties: { access_token: { type: "string" }, token_type: { const: "bearer" }, user: ref("User") } },
        ApiKey: {
          type: "object",
          properties: {
            id: { type: "integer" }, key_prefix: { type: "string", description: "The first 13 characters of the secret" }, name: { type: "string" }, description: { type: ["string", "null"] },
            is_active: { type: "boolean" }, rate_limit: { type: ["integer", "null"] }, total_requests: { type: "integer" }, last_used_at: { type: ["string", "null"], format: "date-time" },
            created_at: { type: "string", format: "date-time" }, expires_at: { type: ["string", "null"], format: "date-time" }, is_expired: { type: "boolean" },
          },
        },
        ApiKeyCreated: { allOf: [ref("ApiKey"), { type: "object", properties: { key: { type: "string", description: "The full secret, shown this once" } } }] },
        UsageCurrent: {
          type: "object",
          properties: { quota_used: { type: "integer" }, quota_total: { type: "integer" }, quota_remaining: { type: "integer" }, quota_percentage: { type: "number" }, quota_reset_at: { type: "string", format: "date-time" }, days_until_reset: { type: "integer" }, plan: { type: "string" } },
        },
        UsageHistory: {
          type: "object",
          properties: {
            daily_usage: { type: "array", items: { type: "object", properties: { date: { type: "string", format: "date" }, requests: { type: "integer" }, cost: { type: "number" } } } },
            total_requests: { type: "integer" }, total_cost: { type: "number" }, period_start: { type: "string", format: "date-time" }, period_end: { type: "string", format: "date-time" },
          },
        },
        ChatCompletionRequest: {
          type: "object",
          required: ["messages"],
          additionalProperties: true,
          description: "OpenAI's request shape; unknown fields are passed to the upstream.",
          properties: {
            model: { type: "string", enum: [...models] },
            messages: { type: "array", minItems: 1, items: { type: "object", required: ["role"], properties: { role: { type: "string", enum: ["system", "user", "assistant", "tool", "function", "developer"] }, content: { type: ["string", "array", "null"] } } } },
            stream: { type: "boolean", default: false },
            stream_options: { type: "object", properties: { include_usage: { type: "boolean" } } },
          },
        },
        ChatCompletion: {
          type: "object",
          properties: {
            id: { type: "string" }, object: { const: "chat.completion" }, created: { type: "integer" }, model: { type: "string" },
            choices: { type: "array", items: { type: "object", properties: { index: { type: "integer" }, message: { type: "object", properties: { role: { type: "string" }, content: { type: ["string", "null"] } } }, finish_reason: { type: ["string", "null"] } } } },
            usage: { type: "object", properties: { prompt_tokens: { type: "integer" }, completion_tokens: { type: "integer" }, total_tokens: { type: "integer" } } },
          },
        },
        SeedChatRequest: { type: "object", required: ["message"], additionalProperties: false, properties: { message: { type: "string", minLength: 1 }, model: { type: "string", enum: [...models] }, stream: { type: "boolean", default: true } } },
        SeedChatResponse: { type: "object", properties: { response: { type: "string" }, model: { type: "string" }, tokens_used: { type: "integer" }, cost: { type: "number" } } },
      },
    },
    paths: {
      "/api/v1/auth/register": {
        post: {
          tags: ["accounts"], summary: "Create an account",
          requestBody: { required: true, content: json({ type: "object", required: ["email", "password"], additionalProperties: false, properties: { email: { type: "string", format: "email" }, password: { type: "string", minLength: 8, maxLength: 1024 }, full_name: { type: "string", minLength: 1, maxLength: 100 } } }) },
          responses: { "201": { description: "Created", content: json(ref("AuthResponse")) }, "400": detailError("Email already registered"), "413": detailError("Body larger than 1 MiB"), "422": detailError("Invalid field"), "429": detailError("Too many registrations from this address") },
        },
      },
      "/api/v1/auth/login": {
        post: {
          tags: ["accounts"], summary: "Log in",
          requestBody: { required: true, content: json({ type: "object", required: ["email", "password"], properties: { email: { type: "string" }, password: { type: "string" } } }) },
          responses: { "200": { description: "Logged in", content: json(ref("AuthResponse")) }, "401": detailError("Incorrect email or password"), "403": detailError("Account is disabled"), "429": detailError("Too many failed login attempts") },
        },
      },
      "/api/v1/auth/me": { get: { tags: ["accounts"], summary: "The signed-in user", security: [{ accountToken: [] }], responses: { "200": { description: "The user", content: json(ref("User")) }, "401": detailError("Invalid or expired token"), "403": detailError("Account is disabled") } } },
      "/api/v1/auth/logout": { post: { tags: ["accounts"], summary: "End the session: the token stops working", security: [{ accountToken: [] }], responses: { "200": { description: "Logged out", content: json({ type: "object", properties: { message: { const: "Successfully logged out" } } }) }, "401": detailError("Invalid or expired token") } } },
      "/api/v1/developer/api-keys": {
        get: { tags: ["api keys"], summary: "Your keys, newest first (never the secret)", security: [{ accountToken: [] }], responses: { "200": { description: "Keys", content: json({ type: "array", items: ref("ApiKey") }) }, "401": detailError("Invalid or expired token") } },
        post: {
          tags: ["api keys"], summary: "Create a key; the secret is returned this once", security: [{ accountToken: [] }],
          requestBody: { required: true, content: json({ type: "object", required: ["name"], additionalProperties: false, properties: { name: { type: "string", minLength: 1, maxLength: 100 }, description: { type: ["string", "null"], maxLength: 500 }, rate_limit: { type: ["integer", "null"], minimum: 1, description: "At most the plan's per-key limit" }, expires_in_days: { type: ["integer", "null"], minimum: 1, maximum: 3650 } } }) },
          responses: { "201": { description: "Created", content: json(ref("ApiKeyCreated")) }, "401": detailError("Invalid or expired token"), "403": detailError("Maximum number of API keys (N) reached for your plan"), "422": detailError("Invalid field") },
        },
      },
      "/api/v1/developer/api-keys/{id}": {
        delete: {
          tags: ["api keys"], summary: "Revoke a key (it stays listed, inactive)", security: [{ accountToken: [] }],
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
          responses: { "204": { description: "Revoked" }, "401": detailError("Invalid or expired token"), "404": detailError("API key not found") },
        },
      },
      "/api/v1/developer/usage/current": { get: { tags: ["usage"], summary: "This month's quota", security: [{ accountToken: [] }], responses: { "200": { description: "Quota", content: json(ref("UsageCurrent")) }, "401": detailError("Invalid or expired token") } } },
      "/api/v1/developer/usage/history": {
        get: {
          tags: ["usage"], summary: "Daily requests and cost, every day present", security: [{ accountToken: [] }],
          parameters: [{ name: "days", in: "query", schema: { type: "integer", minimum: 1, maximum: 365, default: 30 } }],
          responses: { "200": { description: "History", content: json(ref("UsageHistory")) }, "401": detailError("Invalid or expired token"), "422": detailError("Invalid field 'days'") },
        },
      },
      "/v1/chat/completions": {
        post: {
          tags: ["developer API (OpenAI-compatible)"], summary: "Chat completion (JSON, or SSE with stream: true)", security: [{ apiKey: [] }],
          requestBody: { required: true, content: json(ref("ChatCompletionRequest"), { model: models[0], messages: [{ role: "user", content: "Hello" }] }) },
          responses: {
            "200": { description: "A completion, or a text/event-stream of chunks ending with data: [DONE]", headers: LIMIT_HEADERS, content: { ...json(ref("ChatCompletion")), "text/event-stream": { schema: { type: "string" } } } },
            ...developerErrors("openai"),
          },
        },
      },
      "/v1/models": { get: { tags: ["developer API (OpenAI-compatible)"], summary: "Models", security: [{ apiKey: [] }], responses: { "200": { description: "List", headers: LIMIT_HEADERS, content: json({ type: "object", properties: { object: { const: "list" }, data: { type: "array", items: { type: "object", properties: { id: { type: "string" }, object: { const: "model" }, owned_by: { type: "string" } } } } } }) }, "401": openAiError("Invalid API key"), "429": openAiError("Rate limited") } } },
      "/v1/key": {
        get: {
          tags: ["developer API (OpenAI-compatible)"], summary: "The calling key: plan, limits, quota", security: [{ apiKey: [] }],
          responses: {
            "200": { description: "Key", headers: LIMIT_HEADERS, content: json({ type: "object", properties: { data: { type: "object", properties: { name: { type: "string" }, key_prefix: { type: "string" }, plan: { type: "string" }, rate_limit: { type: "integer" }, quota_limit: { type: "integer" }, quota_used: { type: "integer" }, quota_remaining: { type: "integer" }, quota_reset_at: { type: "string", format: "date-time" }, expires_at: { type: ["string", "null"], format: "date-time" } } } } }) },
            "401": openAiError("Invalid API key"), "429": openAiError("Rate limited"),
          },
        },
      },
      "/api/v1/developer/chat": {
        post: {
          tags: ["developer API (simple)"], summary: "One message; SSE events {content} then {done, model, tokens_used, cost, quota_remaining} then [DONE], or JSON with stream: false", security: [{ apiKey: [] }],
          requestBody: { required: true, content: json(ref("SeedChatRequest"), { message: "Hello", stream: false }) },
          responses: { "200": { description: "Reply", headers: LIMIT_HEADERS, content: { ...json(ref("SeedChatResponse")), "text/event-stream": { schema: { type: "string" } } } }, ...developerErrors("detail") },
        },
      },
      "/api/v1/developer/models": { get: { tags: ["developer API (simple)"], summary: "Models", security: [{ apiKey: [] }], responses: { "200": { description: "Models", headers: LIMIT_HEADERS, content: json({ type: "object", properties: { models: { type: "array", items: { type: "object", properties: { id: { type: "string" }, name: { type: "string" }, provider: { type: "string" }, type: { const: "chat" }, free: { type: "boolean" } } } } } }) }, "401": detailError("Invalid API key") } } },
      "/health": { get: { tags: ["operations"], summary: "200 while the process runs", responses: { "200": { description: "Alive" } } } },
      "/ready": { get: { tags: ["operations"], summary: "200 when the database (and Redis) answer, else 503", responses: { "200": { description: "Ready" }, "503": { description: "A dependency is unavailable" } } } },
    },
  };
}
