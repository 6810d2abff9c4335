// Console pages for getting back in: forgot password, reset password from the mailed link, verify email, resend the mail.
import { Elysia } from "elysia";
import { type AccountCareDeps, forgotBody, requestPasswordReset, resendVerification, resetPassword, verifyEmail } from "../auth/mod.ts";
import { parsePayload } from "../http/mod.ts";
import type { WebhooksDeps } from "../webhooks/mod.ts";
import { ForgotBlock, ForgotPage, ResetBlock, ResetPage, type ResetState, VerifyPage } from "../../views/pages/recovery.tsx";
import { VerifyBanner } from "../../views/partials/verify_banner.tsx";
import { formErrors } from "./forms.ts";
import { pageAt, redirectTo } from "./render.ts";
import { type ConsoleDeps, consoleSession } from "./session.ts";

/** What the account pages (recovery and settings) need beyond every console page's deps. */
export type AccountConsoleDeps = ConsoleDeps & AccountCareDeps & WebhooksDeps;

/** True for a password the accounts API would take (auth/model.ts: 8–1,024 characters). */
export function passwordLengthOk(password: string): boolean {
  return password.length >= 8 && password.length <= 1024;
}

/** A token from a query or form: a string of sane length, else "" (which no token matches). */
function tokenOf(raw: unknown): string {
  return typeof raw === "string" && raw.length <= 200 ? raw : "";
}

/** The recovery pages. */
export function recoveryPages(deps: AccountConsoleDeps) {
  const { database: { db }, config, throttle } = deps;
  const mail = { mailer: deps.mailer, publicUrl: config.notifications.publicUrl };
  // Without SMTP_URL no reset link is mailed: the page says to ask the operator instead. Read per request: the
  // routes are also built with no mailer at all (scripts/openapi.ts writes the API document from them).
  const sendsMail = () => deps.mailer.enabled;
  return new Elysia()
    .use(consoleSession(deps))
    .get("/forgot-password", ({ page, query, html }) => html(ForgotPage({ ctx: page, mailEnabled: sendsMail(), sent: query.sent === "1" })))
    .post("/forgot-password", async ({ page, body, htmx, html, set, request, server }) => {
      const mailEnabled = sendsMail();
      if (!mailEnabled) return html(htmx ? ForgotBlock({ ctx: page, mailEnabled }) : ForgotPage({ ctx: page, mailEnabled }));
      const values = { email: String((body as Record<string, unknown>).email ?? "") };
      try {
        const input = parsePayload(forgotBody, values);
        const started = await requestPasswordReset(db, mail, { email: input.email, address: deps.clientAddress(request, server) }, {
          throttle,
          onError: (error) => deps.log.error("password reset mail failed", { error }),
        });
        if (started.ok) return htmx ? html(ForgotBlock({ ctx: page, mailEnabled, sent: true })) : redirectTo("/forgot-password?sent=1", false);
        set.status = 429;
        set.headers["retry-after"] = String(started.retryAfterSec);
        const errors = { form: page.t("forgot.tooMany", { seconds: started.retryAfterSec }), values };
        return html(htmx ? ForgotBlock({ ctx: page, mailEnabled, errors }) : ForgotPage({ ctx: page, mailEnabled, errors }));
      } catch (error) {
        const errors = formErrors(error, values, { t: page.t });
        set.status = 422;
        return html(htmx ? ForgotBlock({ ctx: page, mailEnabled, errors }) : ForgotPage({ ctx: page, mailEnabled, errors }));
      }
    })
    // Opening the link changes nothing: the token is used up only when the new password is posted.
    .get("/reset-password", ({ page, query, html, set }) => {
      // ?done=1 is where the form without JavaScript lands after a reset.
      if (query.done === "1") return html(ResetPage({ ctx: page, reset: { state: "done" } }));
      const token = tokenOf(query.token);
      if (token === "") set.status = 400;
      return html(ResetPage({ ctx: page, reset: token === "" ? { state: "invalid" } : { state: "form", token } }));
    })
    .post("/reset-password", async ({ page, body, htmx, html, set }) => {
      const form = body as Record<string, unknown>;
      const token = tokenOf(form.token);
      const password = String(form.password ?? "");
      let reset: ResetState;
      if (token === "") reset = { state: "invalid" };
      else if (!passwordLengthOk(password)) reset = { state: "form", token, errors: { fields: { password: page.t("password.length") } } };
      else reset = (await resetPassword(db, { token, password }, config.passwordCost)) ? { state: "done" } : { state: "invalid" };
      if (reset.state === "done" && !htmx) return redirectTo("/reset-password?done=1", false);
      set.status = reset.state === "invalid" ? 400 : reset.state === "form" ? 422 : 200;
      // The token came in the body: the language switch reopens the form from the mailed link, not an "invalid link" page.
      const shownAt = reset.state === "form" ? pageAt(page, `/reset-password?token=${encodeURIComponent(token)}`) : page;
      return html(htmx ? ResetBlock({ ctx: page, reset }) : ResetPage({ ctx: shownAt, reset }));
    })
    .get("/verify-email", async ({ page, query, html, set }) => {
      const token = tokenOf(query.token);
      const verified = token !== "" && (await verifyEmail(db, token));
      if (!verified) set.status = 400;
      return html(VerifyPage({ ctx: page, verified }));
    })
    .post("/verify-email/resend", async ({ page, user, htmx, html }) => {
      if (!user) return redirectTo("/login", htmx);
      const sent = await resendVerification(db, mail, user, throttle);
      if (!sent.ok && sent.code === "already_verified") return redirectTo("/dashboard", htmx);
      const banner = sent.ok ? { state: "sent" as const } : { state: "wait" as const, retryAfterSec: sent.retryAfterSec };
      if (htmx) return html(VerifyBanner({ ctx: page, banner }));
      return redirectTo(banner.state === "sent" ? "/dashboard?verify=sent" : `/dashboard?verify=wait&retry=${banner.retryAfterSec}`, false);
    });
}
