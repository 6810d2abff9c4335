// Admin pages exist only for admins: everyone else gets the 404 any unknown path gets; an ended (idle) session logs in again.
import { type Actor, isAdmin } from "../admin/mod.ts";
import type { User } from "../auth/mod.ts";
import { ErrorPage } from "../../views/partials/alert.tsx";
import type { PageContext } from "../../views/types.ts";
import { redirectTo } from "./render.ts";

interface GuardContext {
  user: User | null;
  sessionId: string | null;
  sessionEnded: boolean;
  page: PageContext;
  htmx: boolean;
  request: Request;
  set: { status?: number | string };
  html(value: JSX.Element): unknown;
}

/** An onBeforeHandle hook for admin pages (the console session already ended an idle admin session). */
export function requireAdmin() {
  return (c: GuardContext) => {
    if (c.sessionEnded) return redirectTo("/login", c.htmx);
    if (!c.user || !c.sessionId || !isAdmin(c.user)) {
      c.set.status = 404;
      return c.html(ErrorPage({ status: 404, message: `No route for ${c.request.method} ${c.page.path}`, lang: c.page.lang }));
    }
  };
}

/** The audit log's actor for a console request. */
export function consoleActor(user: User): Actor {
  return { id: user.id, email: user.email, channel: "console" };
}

/** A form's text fields, trimmed; absent ones are "". */
export function formValues<N extends string>(body: unknown, names: readonly N[]): Record<N, string> {
  const form = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(names.map((n) => [n, typeof form[n] === "string" ? (form[n] as string).trim() : ""])) as Record<N, string>;
}

/** A numeric form field as a number for the schema to check (NaN fails it, naming the field); blank is absent. */
export function numberField(value: string): number | undefined {
  return value === "" ? undefined : Number(value);
}
