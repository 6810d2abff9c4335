// Settings sections: change password, sessions, delete account. Each form answers with its own section, which htmx
// swaps in place; without JavaScript the same forms post and come back to the page.
import type { FormErrors, Notice, PageContext, SessionRow } from "../types.ts";
import { Field } from "../components/field.tsx";

export function NoticeLine(props: { notice?: Notice }): JSX.Element {
  if (!props.notice) return "";
  return props.notice.kind === "ok"
    ? <p class="success" role="status" safe>{props.notice.message}</p>
    : <p class="alert" role="alert" safe>{props.notice.message}</p>;
}

export function PasswordSection(props: { ctx: PageContext; errors?: FormErrors; notice?: Notice }): JSX.Element {
  const { ctx } = props;
  const e = props.errors ?? {};
  return (
    <section id="password-section" class="card" aria-labelledby="password-title">
      <h2 id="password-title" safe>{ctx.t("settings.password")}</h2>
      <NoticeLine notice={props.notice} />
      <form class="stack" method="post" action="/dashboard/settings/password" hx-post="/dashboard/settings/password" hx-target="#password-section" hx-swap="outerHTML" novalidate>
        <input type="hidden" name="_csrf" value={ctx.csrf} />
        {e.form ? <p class="alert" role="alert" safe>{e.form}</p> : ""}
        <Field id="current_password" name="current_password" type="password" label={ctx.t("password.current")} error={e.fields?.current_password} required autocomplete="current-password" maxlength={1024} />
        <Field id="new_password" name="new_password" type="password" label={ctx.t("password.new")} error={e.fields?.new_password} required autocomplete="new-password" hint={`${ctx.t("field.passwordHint")} · ${ctx.t("settings.passwordHint")}`} maxlength={1024} />
        <div><button type="submit" safe>{ctx.t("settings.password")}</button></div>
      </form>
    </section>
  );
}

function when(iso: string): string {
  return iso.replace("T", " ").slice(0, 16);
}

export function SessionsSection(props: { ctx: PageContext; sessions: SessionRow[]; notice?: Notice }): JSX.Element {
  const { ctx } = props;
  const others = props.sessions.some((s) => !s.current);
  return (
    <section id="sessions-section" class="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title" safe>{ctx.t("sessions.title")}</h2>
      <NoticeLine notice={props.notice} />
      <div class="table-wrap">
        <table class="cards">
          <thead>
            <tr>
              <th scope="col" safe>{ctx.t("sessions.device")}</th>
              <th scope="col" safe>{ctx.t("sessions.address")}</th>
              <th scope="col" safe>{ctx.t("sessions.lastSeen")}</th>
              <th scope="col" class="opt" safe>{ctx.t("sessions.signedIn")}</th>
              <th scope="col"><span class="sr-only" safe>{ctx.t("keys.col.actions")}</span></th>
            </tr>
          </thead>
          <tbody>
            {props.sessions.map((s) => (
              <tr id={`session-${s.id}`}>
                <td class="name">
                  <span title={s.userAgent ?? undefined} safe>{s.device}</span>
                  {s.current ? <> <span class="badge ok" safe>{ctx.t("sessions.current")}</span></> : ""}
                </td>
                <td class="mono" data-label={ctx.t("sessions.address")} safe>{s.ip ?? "—"}</td>
                <td class="mono" data-label={ctx.t("sessions.lastSeen")} safe>{when(s.lastSeenAt)}</td>
                <td class="mono opt" data-label={ctx.t("sessions.signedIn")} safe>{when(s.createdAt)}</td>
                <td class="actions">
                  {s.current ? "" : (
                    <form method="post" action={`/dashboard/settings/sessions/${s.id}/end`} hx-post={`/dashboard/settings/sessions/${s.id}/end`} hx-target="#sessions-section" hx-swap="outerHTML">
                      <input type="hidden" name="_csrf" value={ctx.csrf} />
                      <button type="submit" class="secondary" aria-label={`${ctx.t("sessions.end")} ${s.device}`} safe>{ctx.t("sessions.end")}</button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {others ? (
        <form method="post" action="/dashboard/settings/sessions/end-others" hx-post="/dashboard/settings/sessions/end-others" hx-target="#sessions-section" hx-swap="outerHTML" class="spaced">
          <input type="hidden" name="_csrf" value={ctx.csrf} />
          <button type="submit" class="danger" safe>{ctx.t("sessions.endOthers")}</button>
        </form>
      ) : ""}
    </section>
  );
}

export function DeleteSection(props: { ctx: PageContext; errors?: FormErrors }): JSX.Element {
  const { ctx } = props;
  const e = props.errors ?? {};
  return (
    <section id="delete-section" class="card danger-zone" aria-labelledby="delete-title">
      <h2 id="delete-title" safe>{ctx.t("account.delete")}</h2>
      <p safe>{ctx.t("account.deleteWarning")}</p>
      <form class="stack" method="post" action="/dashboard/settings/delete" hx-post="/dashboard/settings/delete" hx-target="#delete-section" hx-swap="outerHTML" novalidate>
        <input type="hidden" name="_csrf" value={ctx.csrf} />
        {e.form ? <p class="alert" role="alert" safe>{e.form}</p> : ""}
        <Field id="delete_password" name="password" type="password" label={ctx.t("password.current")} error={e.fields?.password} required autocomplete="current-password" maxlength={1024} />
        <label class="check">
          <input type="checkbox" name="confirm" value="yes" required aria-invalid={e.fields?.confirm ? "true" : undefined} />
          <span safe>{ctx.t("account.deleteConfirm")}</span>
        </label>
        {e.fields?.confirm ? <span class="error" role="alert" safe>{e.fields.confirm}</span> : ""}
        <div><button type="submit" class="danger" safe>{ctx.t("account.deleteSubmit")}</button></div>
      </form>
    </section>
  );
}
