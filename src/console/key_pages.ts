// Console pages for API keys: the list, creating one (its secret shown once) and revoking one.
import { Elysia } from "elysia";
import { parsePayload } from "../http/mod.ts";
import { createApiKey, createKeyBody, keyRefusal, listApiKeys, revokeApiKey } from "../keys/mod.ts";
import { rateLimitCeiling } from "../plans/mod.ts";
import { ConfirmRevokePage, KeysPage } from "../../views/pages/keys.tsx";
import { Alert } from "../../views/partials/alert.tsx";
import { KeysSection, KeyTableRow } from "../../views/partials/keys.tsx";
import type { CreatedKey, FormErrors } from "../../views/types.ts";
import { formErrors, keyRow } from "./forms.ts";
import { hubBaseUrl, redirectTo } from "./render.ts";
import { type ConsoleDeps, consoleSession, requireUser } from "./session.ts";

/** The API keys pages. */
export function keyPages(deps: ConsoleDeps) {
  const { database: { db }, config } = deps;
  return new Elysia()
    .use(consoleSession(deps))
    .onBeforeHandle(requireUser)
    .get("/dashboard/api-keys", async ({ page, user, html }) => {
      const keys = (await listApiKeys(db, user!.id)).map(keyRow);
      return html(KeysPage({ ctx: page, keys, maxRate: rateLimitCeiling(user!) }));
    })
    .post("/dashboard/api-keys", async ({ page, user, body, request, htmx, html, set }) => {
      const form = body as Record<string, string>;
      const values = { name: String(form.name ?? ""), description: String(form.description ?? ""), rate_limit: String(form.rate_limit ?? ""), expires_in_days: String(form.expires_in_days ?? "") };
      let created: CreatedKey | undefined;
      let errors: FormErrors | undefined;
      try {
        // The API's schema checks the form too: blank fields are absent, numbers are read as numbers.
        const input = parsePayload(createKeyBody, {
          name: values.name,
          ...(values.description.trim() ? { description: values.description } : {}),
          ...(values.rate_limit.trim() ? { rate_limit: Number(values.rate_limit) } : {}),
          ...(values.expires_in_days.trim() ? { expires_in_days: Number(values.expires_in_days) } : {}),
        });
        const made = await createApiKey(db, user!.id, { name: input.name, description: input.description, rateLimit: input.rate_limit, expiresInDays: input.expires_in_days, requireVerifiedEmail: config.notifications.requireEmailVerification });
        if (!made.ok) throw keyRefusal(made);
        created = { secret: made.secret, name: made.key.name, baseUrl: hubBaseUrl(request, config), model: config.defaultModel };
      } catch (error) {
        errors = formErrors(error, values, { t: page.t });
      }
      const keys = (await listApiKeys(db, user!.id)).map(keyRow);
      const props = { ctx: page, keys, maxRate: rateLimitCeiling(user!), errors, created };
      if (errors) set.status = 422;
      return html(htmx ? KeysSection(props) : KeysPage(props));
    })
    .post("/dashboard/api-keys/:id/revoke", async ({ page, user, params, body, htmx, html, set }) => {
      const id = Number(params.id);
      const keys = await listApiKeys(db, user!.id);
      const key = keys.find((k) => k.id === id);
      if (!key) {
        set.status = 404;
        return html(Alert({ message: page.t("error.keyNotFound") }));
      }
      const confirmed = htmx || (body as Record<string, string>).confirm === "yes";
      if (!confirmed) return html(ConfirmRevokePage({ ctx: page, item: keyRow(key) }));
      const revoked = await revokeApiKey(db, user!.id, id);
      if (revoked.ok) deps.onKeyRevoked(revoked.key.keyHash);
      // The page's show-once secret panel goes with the revoke (app.js listens), whichever key it showed.
      if (htmx) set.headers["hx-trigger"] = "key-revoked";
      return htmx ? html(KeyTableRow({ ctx: page, item: keyRow(revoked.ok ? revoked.key : key) })) : redirectTo("/dashboard/api-keys", false);
    });
}
