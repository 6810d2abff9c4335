// The webhooks API: /api/v1/developer/webhooks (create, list, delete, deliveries, test event).
import { Elysia } from "elysia";
import { accountAuth } from "../auth/mod.ts";
import type { Database } from "../db/mod.ts";
import { ACCOUNT_ERRORS, type ErrorReason, HttpError, operation } from "../http/mod.ts";
import { checkWebhookUrl, type UrlRefusal } from "./guard.ts";
import { createdWebhookSchema, createWebhookBody, deliveryListSchema, queuedResponse, webhookIdParams, webhookListSchema } from "./model.ts";
import { createWebhook, deleteWebhook, deliveryView, findWebhook, listDeliveries, listWebhooks, MAX_WEBHOOKS, queueTestEvent, webhookView } from "./store.ts";

/** What the webhooks routes need. */
export interface WebhooksDeps {
  database: Pick<Database, "db">;
  config: { readonly jwtSecret: string; readonly sessionTtlHours: number; readonly admin: { readonly idleMinutes: number }; readonly notifications: { readonly webhookAllowPrivate: boolean } };
  /** Wakes this instance's delivery loop (a test event goes out at once). */
  wakeWebhooks(): void;
}

const NOT_FOUND = "Webhook not found";

/** The webhook id of a path, or null. */
export function webhookId(raw: string): number | null {
  const id = Number(raw);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** The machine reason of a refused webhook URL. */
function urlReason(refusal: UrlRefusal): ErrorReason {
  return refusal.problem === "unresolved" ? { kind: "webhook_host_unresolved", host: refusal.host } : { kind: `webhook_url_${refusal.problem}` };
}

/** Registers a webhook after checking its URL; the refusals as HTTP errors (the API and the console show the same). */
export async function registerWebhook(deps: WebhooksDeps, userId: number, input: { url: string; events: string[] }) {
  const allowed = await checkWebhookUrl(input.url, { allowPrivate: deps.config.notifications.webhookAllowPrivate });
  if (!allowed.ok) throw new HttpError("validation", `Cannot create webhook: ${allowed.reason}`, { param: "url", reason: urlReason(allowed) });
  const created = await createWebhook(deps.database.db, userId, input);
  if (!created.ok) throw new HttpError("forbidden", `Maximum number of webhooks (${MAX_WEBHOOKS}) reached`);
  return created.webhook;
}

/** The webhooks routes (account auth). */
export function webhooksRoutes(deps: WebhooksDeps) {
  const { database: { db }, config } = deps;
  const errors404 = { ...ACCOUNT_ERRORS, 404: "Webhook not found (also for another user's)" };
  return new Elysia({ prefix: "/api/v1/developer/webhooks" })
    .use(accountAuth(db, config.jwtSecret, config.sessionTtlHours, { adminIdleMinutes: config.admin.idleMinutes }))
    .post("/", async ({ account, body, set }) => {
      const hook = await registerWebhook(deps, account.user.id, body);
      set.status = 201;
      return { ...webhookView(hook), secret: hook.secret };
    }, {
      body: createWebhookBody,
      response: { 201: createdWebhookSchema },
      detail: operation({
        operationId: "createWebhook", summary: "Register a webhook; its signing secret is returned this once", tag: "webhooks", access: "account",
        success: { status: 201, description: "Created" },
        errors: { ...ACCOUNT_ERRORS, 400: "The body is not JSON", 403: "Maximum number of webhooks reached, or the account is disabled", 413: "The body is larger than 1 MiB", 422: "A field is invalid, or the URL resolves to a loopback, link-local or private address" },
      }),
    })
    .get("/", async ({ account }) => ({ webhooks: (await listWebhooks(db, account.user.id)).map(webhookView) }), {
      response: { 200: webhookListSchema },
      detail: operation({ operationId: "listWebhooks", summary: "Your webhooks (never their secrets)", tag: "webhooks", access: "account", errors: ACCOUNT_ERRORS }),
    })
    .delete("/:id", async ({ account, params, set }) => {
      const id = webhookId(params.id);
      if (id === null || !(await deleteWebhook(db, account.user.id, id))) throw new HttpError("not_found", NOT_FOUND);
      set.status = 204;
      return null;
    }, {
      params: webhookIdParams,
      detail: operation({ operationId: "deleteWebhook", summary: "Delete a webhook", tag: "webhooks", access: "account", success: { status: 204, description: "Deleted" }, errors: errors404 }),
    })
    .get("/:id/deliveries", async ({ account, params }) => {
      const id = webhookId(params.id);
      const hook = id === null ? null : await findWebhook(db, account.user.id, id);
      if (!hook) throw new HttpError("not_found", NOT_FOUND);
      return { deliveries: (await listDeliveries(db, hook.id)).map(deliveryView) };
    }, {
      params: webhookIdParams,
      response: { 200: deliveryListSchema },
      detail: operation({ operationId: "listWebhookDeliveries", summary: "A webhook's latest deliveries with status and response code", tag: "webhooks", access: "account", errors: errors404 }),
    })
    .post("/:id/test", async ({ account, params, set }) => {
      const id = webhookId(params.id);
      const hook = id === null ? null : await findWebhook(db, account.user.id, id);
      if (!hook) throw new HttpError("not_found", NOT_FOUND);
      await queueTestEvent(db, hook);
      deps.wakeWebhooks();
      set.status = 202;
      return { message: "Test event queued" };
    }, {
      params: webhookIdParams,
      response: { 202: queuedResponse },
      detail: operation({ operationId: "sendWebhookTestEvent", summary: "Queue a webhook.test event for a webhook", tag: "webhooks", access: "account", success: { status: 202, description: "Queued" }, errors: errors404 }),
    });
}
