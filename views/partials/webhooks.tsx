// The settings page's webhooks section: the create form, the signing secret shown once, and each webhook with its
// recent deliveries, a test button and a delete button. htmx swaps the whole section after each form.
import type { DeliveryRow, FormErrors, Notice, PageContext, WebhookRow } from "../types.ts";
import { Field } from "../components/field.tsx";
import { NoticeLine } from "./settings.tsx";

const EVENTS = [
  ["quota.threshold", "webhooks.event.quota"],
  ["key.expiring", "webhooks.event.expiring"],
  ["key.revoked", "webhooks.event.revoked"],
] as const;

/** A delivery's state; a pending one that was already tried (and refused) says it will be retried. */
function DeliveryStatus(props: { ctx: PageContext; status: string; attempts: number }): JSX.Element {
  const { ctx, status } = props;
  if (status === "delivered") return <span class="badge ok" safe>{ctx.t("webhooks.status.delivered")}</span>;
  if (status === "failed") return <span class="badge off" safe>{ctx.t("webhooks.status.failed")}</span>;
  return <span class="badge warn" safe>{ctx.t(props.attempts > 0 ? "webhooks.status.retrying" : "webhooks.status.pending")}</span>;
}

function Deliveries(props: { ctx: PageContext; deliveries: DeliveryRow[] }): JSX.Element {
  const { ctx } = props;
  if (props.deliveries.length === 0) return <p class="small muted" safe>{ctx.t("webhooks.noDeliveries")}</p>;
  return (
    <div class="table-wrap">
      <table class="compact cards">
        <thead>
          <tr>
            <th scope="col" safe>{ctx.t("webhooks.col.event")}</th>
            <th scope="col" safe>{ctx.t("webhooks.col.status")}</th>
            <th scope="col" class="num" safe>{ctx.t("webhooks.col.code")}</th>
            <th scope="col" class="num opt" safe>{ctx.t("webhooks.col.attempts")}</th>
            <th scope="col" class="opt" safe>{ctx.t("webhooks.col.time")}</th>
          </tr>
        </thead>
        <tbody>
          {props.deliveries.map((d) => (
            <tr>
              <td class="mono" data-label={ctx.t("webhooks.col.event")} safe>{d.type}</td>
              <td data-label={ctx.t("webhooks.col.status")}><DeliveryStatus ctx={ctx} status={d.status} attempts={d.attempts} />{d.lastError ? <div class="small muted" safe>{d.lastError}</div> : ""}</td>
              <td class="num mono" data-label={ctx.t("webhooks.col.code")} safe>{d.responseCode === null ? "—" : String(d.responseCode)}</td>
              <td class="num opt" data-label={ctx.t("webhooks.col.attempts")} safe>{String(d.attempts)}</td>
              <td class="mono opt" data-label={ctx.t("webhooks.col.time")} safe>{d.createdAt.replace("T", " ").slice(0, 19)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function WebhookItem(props: { ctx: PageContext; hook: WebhookRow }): JSX.Element {
  const { ctx, hook } = props;
  const base = `/dashboard/settings/webhooks/${hook.id}`;
  return (
    <li id={`webhook-${hook.id}`} class="webhook">
      <div class="toolbar">
        <div class="webhook-head">
          <code class="url" safe>{hook.url}</code>
          {hook.active ? "" : <> <span class="badge off" safe>{ctx.t("webhooks.disabled")}</span></>}
          <div class="small muted" safe>{hook.events.join(", ")}</div>
        </div>
        <div class="row-actions">
          <form method="post" action={`${base}/test`} hx-post={`${base}/test`} hx-target="#webhooks-section" hx-swap="outerHTML">
            <input type="hidden" name="_csrf" value={ctx.csrf} />
            <button type="submit" class="secondary" safe>{ctx.t("webhooks.test")}</button>
          </form>
          <form method="post" action={`${base}/delete`} hx-post={`${base}/delete`} hx-target="#webhooks-section" hx-swap="outerHTML" hx-confirm={ctx.t("webhooks.confirmDelete")}>
            <input type="hidden" name="_csrf" value={ctx.csrf} />
            <button type="submit" class="danger" aria-label={`${ctx.t("webhooks.delete")} ${hook.url}`} safe>{ctx.t("webhooks.delete")}</button>
          </form>
        </div>
      </div>
      <h3 class="small" safe>{ctx.t("webhooks.deliveries")}</h3>
      <Deliveries ctx={ctx} deliveries={hook.deliveries} />
    </li>
  );
}

export interface WebhooksProps {
  ctx: PageContext;
  webhooks: WebhookRow[];
  errors?: FormErrors;
  notice?: Notice;
  created?: { url: string; secret: string };
}

export function WebhooksSection(props: WebhooksProps): JSX.Element {
  const { ctx } = props;
  const e = props.errors ?? {};
  const chosen = new Set((e.values?.events ?? "").split(",").filter(Boolean));
  return (
    <section id="webhooks-section" class="card" aria-labelledby="webhooks-title">
      <h2 id="webhooks-title" safe>{ctx.t("webhooks.title")}</h2>
      <p class="muted" safe>{ctx.t("webhooks.intro")}</p>
      <NoticeLine notice={props.notice} />
      {props.created ? (
        <div class="success" id="webhook-created" role="status">
          <p><strong safe>{`${ctx.t("webhooks.created")}: ${props.created.url}`}</strong></p>
          <p safe>{ctx.t("webhooks.secretWarning")}</p>
          <div class="secret">
            <input id="new-webhook-secret" type="text" readonly value={props.created.secret} aria-label={ctx.t("webhooks.secretLabel")} />
            <button type="button" data-copy="new-webhook-secret" data-copy-status="webhook-copy-status" data-copied={ctx.t("keys.copied")} safe>{ctx.t("keys.copy")}</button>
          </div>
          <p class="small muted" id="webhook-copy-status" aria-live="polite"></p>
        </div>
      ) : ""}
      <form id="create-webhook" class="stack" method="post" action="/dashboard/settings/webhooks" hx-post="/dashboard/settings/webhooks" hx-target="#webhooks-section" hx-swap="outerHTML" novalidate>
        <input type="hidden" name="_csrf" value={ctx.csrf} />
        {e.form ? <p class="alert" role="alert" safe>{e.form}</p> : ""}
        <Field id="webhook_url" name="url" type="url" label={ctx.t("webhooks.url")} value={e.values?.url} error={e.fields?.url} required maxlength={2048} />
        <fieldset class="checks" aria-invalid={e.fields?.events ? "true" : undefined}>
          <legend safe>{ctx.t("webhooks.events")}</legend>
          {EVENTS.map(([value, label]) => (
            <label class="check">
              <input type="checkbox" name={`event.${value}`} value="on" checked={e.values ? chosen.has(value) : true} />
              <span safe>{ctx.t(label)}</span> <code class="small">{value}</code>
            </label>
          ))}
          {e.fields?.events ? <span class="error" role="alert" safe>{e.fields.events}</span> : ""}
        </fieldset>
        <div><button type="submit" safe>{ctx.t("webhooks.create")}</button></div>
      </form>
      {props.webhooks.length === 0
        ? <p class="muted spaced" safe>{ctx.t("webhooks.empty")}</p>
        : <ul class="webhooks">{props.webhooks.map((hook) => <WebhookItem ctx={ctx} hook={hook} />)}</ul>}
    </section>
  );
}
