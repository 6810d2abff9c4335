// Console settings: /dashboard/settings with change password, sessions (end one, end all others) and account deletion;
// the webhooks section's forms are in webhook_pages.ts.
import { Elysia } from "elysia";
import { changePassword, deleteAccount, endOtherSessions, endUserSession, SESSION_COOKIE, type User } from "../auth/mod.ts";
import type { Db } from "../db/mod.ts";
import { SettingsPage, type SettingsProps } from "../../views/pages/settings.tsx";
import { DeleteSection, PasswordSection, SessionsSection } from "../../views/partials/settings.tsx";
import type { FormErrors, Notice, PageContext } from "../../views/types.ts";
import { type AccountConsoleDeps, passwordLengthOk } from "./recovery_pages.ts";
import { pageAt, redirectTo } from "./render.ts";
import { consoleSession, requireUser } from "./session.ts";
import { sessionRows, webhookRows } from "./settings_rows.ts";

export const SETTINGS = "/dashboard/settings";

/** What ?done= says after a form without JavaScript came back with a 303. */
const DONE = {
  password: ["password", "settings.passwordDone"],
  "session-ended": ["sessions", "sessions.ended"],
  "others-ended": ["sessions", "sessions.othersEnded"],
  "webhook-deleted": ["webhooks", "webhooks.deleted"],
  "test-sent": ["webhooks", "webhooks.testSent"],
} as const;

/** The whole settings page for `user`, with `overrides` (a form's errors or notice) on top of what ?done= says. */
export async function settingsPage(db: Db, c: { page: PageContext; user: User; sessionId: string | null; done?: string }, overrides: Partial<Omit<SettingsProps, "ctx">> = {}): Promise<JSX.Element> {
  const { page } = c;
  const [sessions, webhooks] = await Promise.all([sessionRows(db, c.user.id, c.sessionId, page.t("sessions.unknown")), webhookRows(db, c.user.id)]);
  const done = c.done && Object.hasOwn(DONE, c.done) ? DONE[c.done as keyof typeof DONE] : null;
  const notice = (section: string): Notice | undefined => (done && done[0] === section ? { kind: "ok", message: page.t(done[1]) } : undefined);
  return SettingsPage({
    ctx: page,
    sessions,
    webhooks: { webhooks, notice: notice("webhooks") },
    password: { notice: notice("password") },
    sessionsNotice: notice("sessions"),
    ...overrides,
  });
}

/** The settings pages (signed-in users only). */
export function settingsPages(deps: AccountConsoleDeps) {
  const { database: { db }, config } = deps;

  /** After a sessions form: the section for htmx, else back to the page (a 404 page when the session was not there). */
  async function sessionsAnswer(c: { page: PageContext; user: User | null; sessionId: string | null; htmx: boolean; html(value: JSX.Element): unknown; set: { status?: number | string } }, ok: boolean, done: string) {
    const notice: Notice = ok ? { kind: "ok", message: c.page.t(done === "others-ended" ? "sessions.othersEnded" : "sessions.ended") } : { kind: "error", message: c.page.t("sessions.gone") };
    if (!ok) c.set.status = 404;
    if (c.htmx) return c.html(SessionsSection({ ctx: c.page, sessions: await sessionRows(db, c.user!.id, c.sessionId, c.page.t("sessions.unknown")), notice }));
    return ok ? redirectTo(`${SETTINGS}?done=${done}#sessions-section`, false) : c.html(await settingsPage(db, { ...c, page: pageAt(c.page, SETTINGS), user: c.user! }, { sessionsNotice: notice }));
  }

  return new Elysia()
    .use(consoleSession(deps))
    .onBeforeHandle(requireUser)
    .get(SETTINGS, async ({ page, user, sessionId, query, html }) => html(await settingsPage(db, { page, user: user!, sessionId, done: query.done })))
    .post(`${SETTINGS}/password`, async ({ page, user, sessionId, body, htmx, html, set }) => {
      const form = body as Record<string, unknown>;
      const current = String(form.current_password ?? "");
      const next = String(form.new_password ?? "");
      let fields: Record<string, string> | undefined;
      if (!passwordLengthOk(next)) fields = { new_password: page.t("password.length") };
      else if (!(await changePassword(db, { user: user!, sessionId: sessionId! }, { current, next }, config.passwordCost)).ok) fields = { current_password: page.t("settings.wrongPassword") };
      if (!fields) {
        return htmx ? html(PasswordSection({ ctx: page, notice: { kind: "ok", message: page.t("settings.passwordDone") } })) : redirectTo(`${SETTINGS}?done=password`, false);
      }
      set.status = 422;
      const errors = { fields };
      return html(htmx ? PasswordSection({ ctx: page, errors }) : await settingsPage(db, { page: pageAt(page, SETTINGS), user: user!, sessionId }, { password: { errors } }));
    })
    .post(`${SETTINGS}/sessions/end-others`, async (c) => {
      await endOtherSessions(db, c.user!.id, c.sessionId);
      return await sessionsAnswer(c, true, "others-ended");
    })
    .post(`${SETTINGS}/sessions/:id/end`, async (c) => {
      const id = c.params.id;
      // Session ids are base64url (like the API checks): anything else is no session of yours.
      const ended = /^[\w-]{1,64}$/.test(id) && (await endUserSession(db, c.user!.id, id));
      if (ended && id === c.sessionId) {
        c.cookie[SESSION_COOKIE]!.remove();
        return redirectTo("/login", c.htmx);
      }
      return await sessionsAnswer(c, ended, "session-ended");
    })
    .post(`${SETTINGS}/delete`, async ({ page, user, sessionId, body, htmx, html, set, cookie }) => {
      const form = body as Record<string, unknown>;
      let errors: FormErrors;
      if (form.confirm !== "yes") errors = { fields: { confirm: page.t("account.deleteNeedConfirm") } };
      else {
        const deleted = await deleteAccount(db, user!, String(form.password ?? ""));
        if (deleted.ok) {
          for (const keyHash of deleted.revokedKeyHashes) deps.onKeyRevoked(keyHash);
          deps.onUserChanged(user!.id);
          cookie[SESSION_COOKIE]!.remove();
          return redirectTo("/login?deleted=1", htmx);
        }
        errors = deleted.code === "last_admin" ? { form: page.t("error.lastAdmin") } : { fields: { password: page.t("settings.wrongPassword") } };
      }
      set.status = errors.form ? 409 : 422;
      return html(htmx ? DeleteSection({ ctx: page, errors }) : await settingsPage(db, { page: pageAt(page, SETTINGS), user: user!, sessionId }, { deleteErrors: errors }));
    });
}
