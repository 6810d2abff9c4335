// The usage API: /api/v1/developer/usage/current and /history (account auth).
import { Elysia } from "elysia";
import type { Database } from "../db/mod.ts";
import type { QuotaCounter } from "../plans/mod.ts";
import { accountAuth } from "../auth/mod.ts";
import { HttpError } from "../http/mod.ts";
import { currentUsage, usageHistory } from "./stats.ts";

/** Parses ?days= (1–365, default 30); throws 422 naming the field. */
export function parseDays(raw: string | undefined, fallback = 30): number {
  if (raw === undefined || raw === "") return fallback;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1 || days > 365) throw new HttpError("validation", "Invalid field 'days': must be an integer from 1 to 365", { param: "days" });
  return days;
}

/** What the usage routes need. */
export interface UsageDeps {
  database: Pick<Database, "db">;
  config: { readonly jwtSecret: string; readonly sessionTtlHours: number };
  limits: QuotaCounter;
}

/** The usage routes. */
export function usageRoutes(deps: UsageDeps) {
  const { database: { db }, config, limits } = deps;
  return new Elysia({ prefix: "/api/v1/developer/usage" })
    .use(accountAuth(db, config.jwtSecret, config.sessionTtlHours))
    .get("/current", ({ account }) => currentUsage(limits, account.user))
    .get("/history", async ({ account, query }) => {
      const { daily_tokens: _tokens, ...history } = await usageHistory(db, account.user.id, parseDays(query.days));
      return history;
    });
}
