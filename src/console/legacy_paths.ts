// The console's older paths, moved under /dashboard (the seed's paths): links get a 301, forms a 308 (method and body kept).
import { Elysia } from "elysia";

/** Old path → new path; `:id` is carried over. */
export const MOVED_PATHS: ReadonlyArray<readonly [from: string, to: string]> = [
  ["/keys", "/dashboard/api-keys"],
  ["/keys/:id/revoke", "/dashboard/api-keys/:id/revoke"],
  ["/usage", "/dashboard/usage"],
  ["/usage.csv", "/dashboard/usage.csv"],
  ["/playground", "/dashboard/playground"],
  ["/playground/stream", "/dashboard/playground/stream"],
];

/** Where a request for a moved path goes: the new path with the same parameters and query string. */
function movedTo(to: string, request: Request, params: Record<string, string> | undefined): string {
  // Elysia passes no params object to routes without parameters.
  const path = to.replace(":id", encodeURIComponent(params?.id ?? ""));
  // Not new URL(request.url): without a Host header (HTTP/1.0) the URL may not parse, and a redirect must not fail.
  const query = request.url.indexOf("?");
  return query < 0 ? path : path + request.url.slice(query);
}

/** Redirects from every moved path: 301 for GET/HEAD, 308 for POST (a 301 would turn a form's POST into a GET). */
export function legacyPaths() {
  let app = new Elysia();
  for (const [from, to] of MOVED_PATHS) {
    app = app
      .get(from, ({ request, params }) => new Response(null, { status: 301, headers: { location: movedTo(to, request, params as Record<string, string> | undefined) } }))
      .post(from, ({ request, params }) => new Response(null, { status: 308, headers: { location: movedTo(to, request, params as Record<string, string> | undefined) } }));
  }
  return app;
}
