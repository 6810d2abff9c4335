// Serves the console's static files from the hub itself (no CDN): htmx from node_modules, CSS and JS from static/.
import { Elysia } from "elysia";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
// A Map, not an object: "/static/__proto__" or "/static/constructor" must find nothing, not Object.prototype.
const FILES = new Map<string, { path: string; type: string }>(Object.entries({
  "htmx.min.js": { path: `${ROOT}node_modules/htmx.org/dist/htmx.min.js`, type: "text/javascript; charset=utf-8" },
  "app.js": { path: `${ROOT}static/app.js`, type: "text/javascript; charset=utf-8" },
  "playground.js": { path: `${ROOT}static/playground.js`, type: "text/javascript; charset=utf-8" },
  "app.css": { path: `${ROOT}static/app.css`, type: "text/css; charset=utf-8" },
  "docs.css": { path: `${ROOT}static/docs.css`, type: "text/css; charset=utf-8" },
  "favicon.svg": { path: `${ROOT}static/favicon.svg`, type: "image/svg+xml" },
  "swagger-init.js": { path: `${ROOT}static/swagger-init.js`, type: "text/javascript; charset=utf-8" },
  "swagger-a11y.css": { path: `${ROOT}static/swagger-a11y.css`, type: "text/css; charset=utf-8" },
  "swagger-ui.css": { path: `${ROOT}node_modules/swagger-ui-dist/swagger-ui.css`, type: "text/css; charset=utf-8" },
  "swagger-ui-bundle.js": { path: `${ROOT}node_modules/swagger-ui-dist/swagger-ui-bundle.js`, type: "text/javascript; charset=utf-8" },
}));

/** The known file `name` as a response, or a 404. */
async function serve(name: string): Promise<Response> {
  const entry = FILES.get(name);
  const file = entry ? Bun.file(entry.path) : null;
  if (!entry || !file || !(await file.exists())) return new Response("Not found", { status: 404, headers: { "content-type": "text/plain" } });
  return new Response(file, { headers: { "content-type": entry.type, "cache-control": "public, max-age=3600" } });
}

/** GET /static/:file for the known files only, and the icon where browsers look for it first. */
export function staticRoutes() {
  return new Elysia()
    .get("/static/:file", ({ params }) => serve(params.file))
    .get("/favicon.ico", () => serve("favicon.svg"));
}
