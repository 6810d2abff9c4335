// Serves the OpenAPI document and an interactive reference (Swagger UI, served by the hub itself).
import { Elysia } from "elysia";
import type { ModelConfig } from "../config.ts";
import { PAGE_SECURITY_HEADERS } from "../http/plugins.ts";
import { openApiDocument } from "./document.ts";

// Swagger UI sets inline styles, so this one page allows them; scripts stay same-origin only.
const SWAGGER_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>AI Hub API reference</title>
<link rel="stylesheet" href="/static/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/static/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script>
</body>
</html>`;

/** GET /openapi.json and GET /docs/api. */
export function openApiRoutes(deps: { config: { readonly models: readonly ModelConfig[] } }) {
  const document = JSON.stringify(openApiDocument(deps.config.models.map((m) => m.id)));
  return new Elysia()
    .get("/openapi.json", () => new Response(document, { headers: { "content-type": "application/json", "access-control-allow-origin": "*" } }))
    .get("/docs/api", () => new Response(PAGE, { headers: { "content-type": "text/html; charset=utf-8", ...PAGE_SECURITY_HEADERS, "content-security-policy": SWAGGER_CSP } }));
}
