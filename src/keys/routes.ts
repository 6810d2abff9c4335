// The API keys API: /api/v1/developer/api-keys.
import { Elysia, t } from "elysia";
import type { Database } from "../db/mod.ts";
import { accountAuth } from "../auth/mod.ts";
import { HttpError } from "../http/mod.ts";
import { createKeyBody } from "./model.ts";
import { createApiKey, keyView, listApiKeys, revokeApiKey } from "./store.ts";

/** What the API keys routes need. */
export interface KeysDeps {
  database: Pick<Database, "db">;
  config: { readonly jwtSecret: string; readonly sessionTtlHours: number };
  /** Tells every instance's key cache that a key was revoked. */
  onKeyRevoked(keyHash: string): void;
}

/** The API keys routes (account auth). */
export function keysRoutes(deps: KeysDeps) {
  const { database: { db }, config } = deps;
  return new Elysia({ prefix: "/api/v1/developer/api-keys" })
    .use(accountAuth(db, config.jwtSecret, config.sessionTtlHours))
    .post("/", async ({ account, body, set }) => {
      const { key, secret } = await createApiKey(db, account.user.id, {
        name: body.name,
        description: body.description,
        rateLimit: body.rate_limit,
        expiresInDays: body.expires_in_days,
      });
      set.status = 201;
      return { ...keyView(key), key: secret };
    }, { body: createKeyBody })
    .get("/", async ({ account }) => (await listApiKeys(db, account.user.id)).map(keyView))
    .delete("/:id", async ({ account, params, set }) => {
      const id = Number(params.id);
      const revoked = Number.isSafeInteger(id) && id > 0 ? await revokeApiKey(db, account.user.id, id) : null;
      if (!revoked) throw new HttpError("not_found", "API key not found");
      deps.onKeyRevoked(revoked.keyHash);
      set.status = 204;
      return null;
    }, { params: t.Object({ id: t.String({ maxLength: 20 }) }) });
}
