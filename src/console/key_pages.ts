// Console pages for API keys: the list, creating one (its secret shown once), revoking one, and one key's page
// (usage, last calls, settings form); another user's key id is a 404 like a key that does not exist.
import { Elysia } from "elysia";
import { HttpError, parsePayload } from "../http/mod.ts";
import { type ApiKey, createApiKey, createKeyBody, getApiKey, keyRefusal, listApiKeys, revokeApiKey, updateApiKey, updateKeyBody } from "../keys/mod.ts";
import { rateLimitCeiling } from "../plans/mod.ts";
import type { User } from "../auth/mod.ts";
import { keyRecentCalls, usageSeries } from "../usage/mod.ts";
import { KEY_RANGES, KeyPage, KeySettingsForm, KeyUsage } from "../../views/pages/key.tsx";
import { ConfirmRevokePage, KeysPage } from "../../views/pages/keys.tsx";
import { Alert, ErrorPage } from "../../views/partials/alert.tsx";
import { KeysSection, KeyTableRow } from "../../views/partials/keys.tsx";
import type { CreatedKey, FormErrors, PageContext } from "../../views/types.ts";
import { formErrors, keyDetail, keyRow } from "./forms.ts";
import { hubBaseUrl, pageAt, redirectTo } from "./render.ts";
import { type ConsoleDeps, consoleSession, requireUser } from "./session.ts";

const DAY_MS = 86_400_000;

/** ?days= on a key's page: 7 or 30, else 30. */
function keyDays(raw: string | undefined): number {
  const days = Number(raw);
  return (KEY_RANGES as readonly number[]).includes(days) ? days : 30;
}

/** The earliest and latest expiry dates the settings form offers (tomorrow to 3650 days ahead, UTC). */
function expiryRange(now = new Date()): { minExpiry: string; maxExpiry: string } {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return { minExpiry: new Date(today + DAY_MS).toISOString().slice(0, 10), maxExpiry: new Date(today + 3650 * DAY_MS).toISOString().slice(0, 10) };
}

/** The API keys pages. */
export function keyPages(deps: ConsoleDeps) {
  const { database: { db }, config } = deps;

  /** Everything a key's page shows. */
  async function keyPageProps(page: PageContext, user: User, key: ApiKey, days: number, form: { errors?: FormErrors; saved?: boolean } = {}) {
    const item = keyDetail(key, rateLimitCeiling(user));
    const [series, calls] = await Promise.all([usageSeries(db, user.id, days, { keyId: key.id }), keyRecentCalls(db, user.id, key.id, { limit: 10 })]);
    return {
      ctx: page,
      item,
      days,
      series,
      calls: calls.map((c) => ({ id: c.id, createdAt: c.createdAt.toISOString(), model: c.model, endpoint: c.endpoint, status: c.status, outcome: c.outcome, promptTokens: c.promptTokens, completionTokens: c.completionTokens, tokensEstimated: c.tokensEstimated, cost: c.cost, latencyMs: c.latencyMs })),
      form: { ctx: page, item, ...expiryRange(), ...form },
    };
  }

  const notFound = (page: PageContext, htmx: boolean, set: { status?: number | string }) => {
    set.status = 404;
    return htmx ? Alert({ message: page.t("key.notFound") }) : ErrorPage({ status: 404, message: page.t("key.notFound"), lang: page.lang });
  };

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
      if (!confirmed) return html(ConfirmRevokePage({ ctx: pageAt(page, "/dashboard/api-keys"), item: keyRow(key) }));
      const revoked = await revokeApiKey(db, user!.id, id);
      if (revoked.ok) deps.onKeyRevoked(revoked.key.keyHash);
      // The page's show-once secret panel goes with the revoke (app.js listens), whichever key it showed.
      if (htmx) set.headers["hx-trigger"] = "key-revoked";
      return htmx ? html(KeyTableRow({ ctx: page, item: keyRow(revoked.ok ? revoked.key : key) })) : redirectTo("/dashboard/api-keys", false);
    })
    .get("/dashboard/api-keys/:id", async ({ page, user, params, query, htmx, html, set }) => {
      const key = await getApiKey(db, user!.id, Number(params.id));
      if (!key) return html(notFound(page, htmx, set));
      const props = await keyPageProps(page, user!, key, keyDays(query.days), { saved: query.saved === "1" });
      // The range switch is the page's only htmx GET: it replaces the usage block.
      return html(htmx ? KeyUsage(props) : KeyPage(props));
    })
    .post("/dashboard/api-keys/:id", async ({ page, user, params, body, htmx, html, set }) => {
      const id = Number(params.id);
      const key = await getApiKey(db, user!.id, id);
      if (!key) return html(notFound(page, htmx, set));
      const form = body as Record<string, unknown>;
      const text = (name: string) => (typeof form[name] === "string" ? form[name] as string : "");
      const values = { name: text("name"), description: text("description"), rate_limit: text("rate_limit"), expires_on: text("expires_on") };
      let refusal: HttpError;
      try {
        // The same schema rules as creation; blank fields mean "none" (no description, the plan's rate limit, no expiry).
        const input = parsePayload(updateKeyBody, {
          name: values.name,
          description: values.description.trim() ? values.description : null,
          rate_limit: values.rate_limit.trim() ? Number(values.rate_limit) : null,
          expires_on: values.expires_on.trim() ? values.expires_on.trim() : null,
        });
        const updated = await updateApiKey(db, user!.id, id, { name: input.name, description: input.description, rateLimit: input.rate_limit, expiresOn: input.expires_on });
        if (updated.ok) {
          deps.onKeyChanged(updated.key.keyHash);
          return redirectTo(`/dashboard/api-keys/${id}?saved=1`, htmx);
        }
        if (updated.code === "not_found") return html(notFound(page, htmx, set));
        throw keyRefusal(updated, "update");
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        refusal = error;
      }
      const errors = formErrors(refusal, values, { t: page.t });
      set.status = refusal.code === "validation" ? 422 : 409;
      if (htmx) return html(KeySettingsForm({ ctx: page, item: keyDetail(key, rateLimitCeiling(user!)), ...expiryRange(), errors }));
      return html(KeyPage(await keyPageProps(page, user!, key, 30, { errors })));
    });
}
