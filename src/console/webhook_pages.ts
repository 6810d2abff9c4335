// The settings page's webhook forms: create (the signing secret shown once), delete, send a test event.
import { Elysia } from "elysia";
import { HttpError, parsePayload } from "../http/mod.ts";
import { createWebhookBody, deleteWebhook, EVENT_TYPES, findWebhook, queueTestEvent, registerWebhook, webhookId } from "../webhooks/mod.ts";
import { WebhooksSection, type WebhooksProps } from "../../views/partials/webhooks.tsx";
import type { FormErrors, Notice } from "../../views/types.ts";
import { formErrors } from "./forms.ts";
import type { AccountConsoleDeps } from "./recovery_pages.ts";
import { pageAt, redirectTo } from "./render.ts";
import { consoleSession, requireUser } from "./session.ts";
import { SETTINGS, settingsPage } from "./settings_pages.ts";
import { webhookRows } from "./settings_rows.ts";

/** The webhook forms (signed-in users only). */
export function webhookPages(deps: AccountConsoleDeps) {
  const { database: { db } } = deps;
  return new Elysia()
    .use(consoleSession(deps))
    .onBeforeHandle(requireUser)
    .post(`${SETTINGS}/webhooks`, async ({ page, user, sessionId, body, htmx, html, set }) => {
      const form = body as Record<string, unknown>;
      // One checkbox per event, each its own field (event.<type>=on): the hub's form parser keeps one value per name.
      const events = EVENT_TYPES.filter((type) => form[`event.${type}`] === "on");
      const values = { url: String(form.url ?? ""), events: events.join(",") };
      let created: WebhooksProps["created"];
      let errors: FormErrors | undefined;
      try {
        if (events.length === 0) throw new HttpError("validation", page.t("webhooks.noEvents"), { param: "events" });
        const input = parsePayload(createWebhookBody, { url: values.url.trim(), events });
        const hook = await registerWebhook(deps, user!.id, input);
        created = { url: hook.url, secret: hook.secret };
      } catch (error) {
        errors = formErrors(error, values, { t: page.t });
        set.status = 422;
      }
      // The secret cannot travel through a redirect: both answers render it, this once.
      const props = { webhooks: await webhookRows(db, user!.id), errors, created };
      return html(htmx ? WebhooksSection({ ctx: page, ...props }) : await settingsPage(db, { page: pageAt(page, SETTINGS), user: user!, sessionId }, { webhooks: props }));
    })
    .post(`${SETTINGS}/webhooks/:id/:action`, async ({ page, user, sessionId, params, htmx, html, set }) => {
      const id = webhookId(params.id);
      const hook = id === null ? null : await findWebhook(db, user!.id, id);
      let notice: Notice;
      if (!hook || (params.action !== "delete" && params.action !== "test")) {
        set.status = 404;
        notice = { kind: "error", message: page.t("webhooks.gone") };
      } else if (params.action === "delete") {
        await deleteWebhook(db, user!.id, hook.id);
        if (!htmx) return redirectTo(`${SETTINGS}?done=webhook-deleted#webhooks-section`, false);
        notice = { kind: "ok", message: page.t("webhooks.deleted") };
      } else {
        await queueTestEvent(db, hook);
        deps.wakeWebhooks();
        if (!htmx) return redirectTo(`${SETTINGS}?done=test-sent#webhooks-section`, false);
        notice = { kind: "ok", message: page.t("webhooks.testSent") };
      }
      const props = { webhooks: await webhookRows(db, user!.id), notice };
      return html(htmx ? WebhooksSection({ ctx: page, ...props }) : await settingsPage(db, { page: pageAt(page, SETTINGS), user: user!, sessionId }, { webhooks: props }));
    });
}
