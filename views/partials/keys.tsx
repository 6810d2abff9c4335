// API key partials: a table row (its name links to the key's page), the create form (with its errors) and the show-once secret with ready snippets.
import type { CreatedKey, FormErrors, KeyRow, PageContext } from "../types.ts";
import { Field } from "../components/field.tsx";
import { CallSnippets } from "./snippets.tsx";

export function KeyStatus(props: { ctx: PageContext; status: KeyRow["status"] }): JSX.Element {
  const { ctx, status } = props;
  if (status === "active") return <span class="badge ok" safe>{ctx.t("keys.active")}</span>;
  if (status === "expired") return <span class="badge warn" safe>{ctx.t("keys.expired")}</span>;
  return <span class="badge off" safe>{ctx.t("keys.revoked")}</span>;
}

export function KeyTableRow(props: { ctx: PageContext; item: KeyRow }): JSX.Element {
  const { ctx, item: key } = props;
  return (
    <tr id={`key-${key.id}`}>
      <td class="name">
        <a href={`/dashboard/api-keys/${key.id}`} class="key-link"><strong safe>{key.name}</strong></a>
        {key.description ? <div class="small muted" safe>{key.description}</div> : ""}
      </td>
      <td data-label={ctx.t("keys.col.prefix")}><code safe>{`${key.prefix}…`}</code></td>
      <td data-label={ctx.t("keys.col.status")}><KeyStatus ctx={ctx} status={key.status} /></td>
      <td class="num" data-label={ctx.t("keys.col.requests")} safe>{key.totalRequests.toLocaleString("en-US")}</td>
      <td class="mono opt" data-label={ctx.t("keys.col.created")} safe>{key.createdAt.slice(0, 10)}</td>
      <td class="mono opt" data-label={ctx.t("keys.col.lastUsed")} safe>{key.lastUsedAt ? key.lastUsedAt.replace("T", " ").slice(0, 16) : ctx.t("keys.never")}</td>
      <td class="actions">
        {key.status === "active" ? (
          <form method="post" action={`/dashboard/api-keys/${key.id}/revoke`} hx-post={`/dashboard/api-keys/${key.id}/revoke`} hx-target={`#key-${key.id}`} hx-swap="outerHTML" hx-confirm={ctx.t("keys.confirmRevoke")}>
            <input type="hidden" name="_csrf" value={ctx.csrf} />
            <button type="submit" class="danger" aria-label={`${ctx.t("keys.revoke")} ${key.name}`} safe>{ctx.t("keys.revoke")}</button>
          </form>
        ) : ""}
      </td>
    </tr>
  );
}

function KeyTable(props: { ctx: PageContext; keys: KeyRow[]; bodyId?: string }): JSX.Element {
  const { ctx } = props;
  return (
    <table class="cards">
      <thead>
        <tr>
          <th scope="col" safe>{ctx.t("keys.col.name")}</th>
          <th scope="col" safe>{ctx.t("keys.col.prefix")}</th>
          <th scope="col" safe>{ctx.t("keys.col.status")}</th>
          <th scope="col" class="num" safe>{ctx.t("keys.col.requests")}</th>
          <th scope="col" class="opt" safe>{ctx.t("keys.col.created")}</th>
          <th scope="col" class="opt" safe>{ctx.t("keys.col.lastUsed")}</th>
          <th scope="col" safe>{ctx.t("keys.col.actions")}</th>
        </tr>
      </thead>
      <tbody id={props.bodyId}>
        {props.keys.map((item) => <KeyTableRow ctx={ctx} item={item} />)}
      </tbody>
    </table>
  );
}

/** The keys in use (active or expired), then the revoked ones folded away in a <details>. */
export function KeysTable(props: { ctx: PageContext; keys: KeyRow[] }): JSX.Element {
  const { ctx } = props;
  if (props.keys.length === 0) {
    return (
      <div id="keys-table">
        <p class="muted"><span safe>{ctx.t("keys.empty")}</span> · <a href="#name" safe>{ctx.t("keys.emptyHint")}</a></p>
      </div>
    );
  }
  const live = props.keys.filter((k) => k.status !== "revoked");
  const revoked = props.keys.filter((k) => k.status === "revoked");
  return (
    <div id="keys-table">
      {live.length > 0 ? <div class="table-wrap"><KeyTable ctx={ctx} keys={live} bodyId="keys-body" /></div> : ""}
      {revoked.length > 0 ? (
        <details class="revoked-keys">
          <summary safe>{ctx.t("keys.revokedList", { n: revoked.length })}</summary>
          <div class="table-wrap"><KeyTable ctx={ctx} keys={revoked} /></div>
        </details>
      ) : ""}
    </div>
  );
}

export function CreateKeyForm(props: { ctx: PageContext; maxRate: number; errors?: FormErrors }): JSX.Element {
  const { ctx } = props;
  const e = props.errors ?? {};
  return (
    <form id="create-key" class="stack" method="post" action="/dashboard/api-keys" hx-post="/dashboard/api-keys" hx-target="#keys-section" hx-swap="outerHTML" novalidate>
      <input type="hidden" name="_csrf" value={ctx.csrf} />
      {e.form ? <p class="alert" role="alert" safe>{e.form}</p> : ""}
      <Field id="name" name="name" label={ctx.t("keys.name")} value={e.values?.name} error={e.fields?.name} required maxlength={100} />
      <Field id="description" name="description" label={ctx.t("keys.description")} value={e.values?.description} error={e.fields?.description} maxlength={500} />
      <div class="grid cols-2">
        <Field id="rate_limit" name="rate_limit" type="number" label={ctx.t("keys.rateLimit", { max: props.maxRate })} value={e.values?.rate_limit} error={e.fields?.rate_limit} min={1} max={props.maxRate} inputmode="numeric" />
        <Field id="expires_in_days" name="expires_in_days" type="number" label={ctx.t("keys.expires")} value={e.values?.expires_in_days} error={e.fields?.expires_in_days} min={1} max={3650} inputmode="numeric" />
      </div>
      <div><button type="submit" safe>{ctx.t("keys.submit")}</button></div>
    </form>
  );
}

/** Shown once after creation: the secret with a copy button, the seed's warning, and snippets that call the hub with it. */
export function KeyCreated(props: { ctx: PageContext; created: CreatedKey }): JSX.Element {
  const { ctx, created } = props;
  return (
    <div class="success" id="key-created" role="status">
      <h2 safe>{`${ctx.t("keys.created")}: ${created.name}`}</h2>
      <p><strong safe>{ctx.t("keys.warning")}</strong></p>
      <div class="secret">
        <input id="new-key-secret" type="text" readonly value={created.secret} aria-label={ctx.t("keys.created")} />
        <button type="button" data-copy="new-key-secret" data-copy-status="copy-status" data-copied={ctx.t("keys.copied")} safe>{ctx.t("keys.copy")}</button>
      </div>
      <p class="small muted" id="copy-status" aria-live="polite"></p>
      <h3 safe>{ctx.t("snippets.title")}</h3>
      <p class="small muted" safe>{ctx.t("snippets.lead")}</p>
      <CallSnippets ctx={ctx} target={{ baseUrl: created.baseUrl, model: created.model, secret: created.secret }} idPrefix="snippet" />
      {/* A link without JavaScript (the page comes back without the secret); app.js removes the panel in place. */}
      <p><a class="button secondary" href="/dashboard/api-keys" data-dismiss="key-created" safe>{ctx.t("snippets.dismiss")}</a></p>
    </div>
  );
}

/** Everything below the title: the show-once secret, the create form and the table; htmx swaps it whole. */
export function KeysSection(props: { ctx: PageContext; keys: KeyRow[]; maxRate: number; errors?: FormErrors; created?: CreatedKey }): JSX.Element {
  const { ctx } = props;
  return (
    <div id="keys-section">
      {props.created ? <KeyCreated ctx={ctx} created={props.created} /> : ""}
      <div class="grid keys-layout">
        <div class="card">
          <h2 safe>{ctx.t("keys.create")}</h2>
          <CreateKeyForm ctx={ctx} maxRate={props.maxRate} errors={props.errors} />
        </div>
        <div class="card">
          <h2 safe>{ctx.t("keys.title")}</h2>
          <KeysTable ctx={ctx} keys={props.keys} />
        </div>
      </div>
    </div>
  );
}
