// Serves the OpenAPI document and an interactive reference (Swagger UI, served by the hub itself).
import { Elysia, t } from "elysia";
import { operation, PAGE_SECURITY_HEADERS } from "../http/mod.ts";
import { openApiDocument, type RouteInfo } from "./document.ts";

// Swagger UI sets inline styles, so this one page allows them; scripts stay same-origin only.
const SWAGGER_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>AI Hub API reference</title>
<link rel="stylesheet" href="/static/swagger-ui.css">
<link rel="stylesheet" href="/static/swagger-a11y.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/static/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script>
</body>
</html>`;

/** GET /openapi.json (generated on first request from `routes`, the whole app's route table) and GET /docs/api. */
export function openApiRoutes(routes: () => readonly RouteInfo[]) {
  let document: string | undefined;
  return new Elysia()
    .get("/openapi.json", () => new Response((document ??= JSON.stringify(openApiDocument(routes()))), { headers: { "content-type": "application/json", "access-control-allow-origin": "*" } }), {
      response: { 200: t.Object({ openapi: t.Literal("3.1.0") }, { additionalProperties: true, description: "The OpenAPI 3.1 document" }) },
      detail: operation({ operationId: "getOpenApiDocument", summary: "This document", tag: "operations", access: "public" }),
    })
    .get("/docs/api", () => new Response(PAGE, { headers: { "content-type": "text/html; charset=utf-8", ...PAGE_SECURITY_HEADERS, "content-security-policy": SWAGGER_CSP } }));
}
