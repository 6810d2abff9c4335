// The usage API: /api/v1/developer/usage/current and /history (account auth).
import { Elysia } from "elysia";
import type { Database } from "../db/mod.ts";
import type { QuotaCounter } from "../plans/mod.ts";
import { accountAuth } from "../auth/mod.ts";
import { ACCOUNT_ERRORS, operation } from "../http/mod.ts";
import { currentUsageSchema, historyQuery, parseDays, usageHistorySchema } from "./model.ts";
import { currentUsage, usageHistory } from "./stats.ts";

/** What the usage routes need. */
export interface UsageDeps {
  database: Pick<Database, "db">;
  config: { readonly jwtSecret: string; readonly sessionTtlHours: number; readonly admin: { readonly idleMinutes: number } };
  limits: QuotaCounter;
}

/** The usage routes. */
export function usageRoutes(deps: UsageDeps) {
  const { database: { db }, config, limits } = deps;
  return new Elysia({ prefix: "/api/v1/developer/usage" })
    .use(accountAuth(db, config.jwtSecret, config.sessionTtlHours, { adminIdleMinutes: config.admin.idleMinutes }))
    .get("/current", ({ account }) => currentUsage(limits, account.user), {
      response: { 200: currentUsageSchema },
      detail: operation({ operationId: "getCurrentUsage", summary: "This month's quota use", tag: "usage", access: "account", errors: ACCOUNT_ERRORS }),
    })
    // ?days= is read by parseDays (the schema, with the number read from the string): Elysia's own query
    // coercion reports an out-of-range number without naming the field.
    .get("/history", async ({ account, query }) => {
      const { daily_tokens: _tokens, ...history } = await usageHistory(db, account.user.id, parseDays(query.days));
      return history;
    }, {
      response: { 200: usageHistorySchema },
      detail: operation({ operationId: "getUsageHistory", summary: "Daily requests and cost, every day present", tag: "usage", access: "account", query: historyQuery, errors: { ...ACCOUNT_ERRORS, 422: "days is not an integer from 1 to 365" } }),
    });
}
