// Console pages for the request log: /dashboard/logs (filters, keyset pages; a fragment for htmx) and one call's detail.
import { Elysia } from "elysia";
import { listApiKeys } from "../keys/mod.ts";
import { type LogCursor, type LogEntry, type LogFilters, requestLog, requestLogEntry, usageBreakdown } from "../usage/mod.ts";
import { LogDetailPage, LogResults, LogsPage } from "../../views/pages/logs.tsx";
import { ErrorPage } from "../../views/partials/alert.tsx";
import type { LogFilterView, LogRow } from "../../views/types.ts";
import { type ConsoleDeps, consoleSession, requireUser } from "./session.ts";

const PAGE_SIZE = 50;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z)_([\w-]{1,36})$/;

type Query = Record<string, string | undefined>;

/** A YYYY-MM-DD day as its UTC midnight, or undefined for anything else. */
function dayStart(raw: string | undefined): Date | undefined {
  if (!raw || !DAY.test(raw)) return undefined;
  const date = new Date(`${raw}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The filters in the query; a value that does not parse is ignored rather than answered with an error page. */
export function parseLogQuery(query: Query): { view: LogFilterView; filters: LogFilters; before?: LogCursor } {
  const keyId = Number(query.key);
  const model = query.model && query.model.length <= 200 ? query.model : undefined;
  const status = query.status === "2xx" || query.status === "4xx" || query.status === "5xx" ? query.status : undefined;
  const from = dayStart(query.from);
  const toDay = dayStart(query.to);
  // The end date is inclusive: the range runs to the next day's midnight.
  const to = toDay ? new Date(toDay.getTime() + 86_400_000) : undefined;
  const cursor = CURSOR.exec(query.before ?? "");
  const filters: LogFilters = { keyId: Number.isSafeInteger(keyId) && keyId > 0 ? keyId : undefined, model, status, from, to };
  const view: LogFilterView = {
    key: filters.keyId ? String(filters.keyId) : "",
    model: model ?? "",
    status: status ?? "",
    from: from ? query.from! : "",
    to: toDay ? query.to! : "",
  };
  return { view, filters, before: cursor ? { createdAt: cursor[1]!, id: cursor[2]! } : undefined };
}

/** /dashboard/logs with these filters (and a page cursor). */
function logsHref(view: LogFilterView, before?: LogCursor): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(view)) if (value) params.set(name, value);
  if (before) params.set("before", `${before.createdAt}_${before.id}`);
  const search = params.toString();
  return search ? `/dashboard/logs?${search}` : "/dashboard/logs";
}

function logRow(entry: LogEntry): LogRow {
  const { cursorAt: _cursor, keyId: _key, createdAt, ...rest } = entry;
  return { ...rest, createdAt: createdAt.toISOString() };
}

/** The request log pages. */
export function logPages(deps: ConsoleDeps) {
  const { database: { db } } = deps;
  return new Elysia()
    .use(consoleSession(deps))
    .onBeforeHandle(requireUser)
    .get("/dashboard/logs", async ({ page, user, query, htmx, html }) => {
      const { view, filters, before } = parseLogQuery(query as Query);
      const log = await requestLog(db, user!.id, { filters, before, limit: PAGE_SIZE });
      const results = {
        ctx: page,
        rows: log.rows.map(logRow),
        olderHref: log.next ? logsHref(view, log.next) : null,
        newestHref: before ? logsHref(view) : null,
      };
      if (htmx) return html(LogResults(results));
      // The filter choices: the user's keys, and the models seen in the daily rollups (cheap at any record count).
      const [keys, breakdown] = await Promise.all([listApiKeys(db, user!.id), usageBreakdown(db, user!.id, 366)]);
      const models = breakdown.byModel.map((m) => m.model).filter(Boolean).sort();
      if (view.model && !models.includes(view.model)) models.push(view.model);
      return html(LogsPage({ ...results, filters: view, keys: keys.map((k) => ({ id: k.id, name: k.name })), models }));
    })
    .get("/dashboard/logs/:id", async ({ page, user, params, html, set }) => {
      const entry = params.id.length <= 36 ? await requestLogEntry(db, user!.id, params.id) : null;
      if (!entry) {
        set.status = 404;
        return html(ErrorPage({ status: 404, message: page.t("logs.notFound"), lang: page.lang }));
      }
      return html(LogDetailPage({ ctx: page, row: logRow(entry) }));
    });
}
