// Getting back in: the forgot-password and reset-password pages and the page a verification link opens.
// Each form answers with the same block it lives in, so it works with and without htmx.
import type { PropsWithChildren } from "@kitajs/html";
import type { FormErrors, PageContext } from "../types.ts";
import { Field } from "../components/field.tsx";
import { BaseLayout } from "../layouts/base.tsx";

/** A narrow card page like the login page. */
function CardPage(props: PropsWithChildren<{ ctx: PageContext; title: string }>): JSX.Element {
  return (
    <BaseLayout ctx={props.ctx} title={props.title}>
      <div class="auth">
        <div class="card">
          <h1 safe>{props.title}</h1>
          {props.children}
        </div>
      </div>
    </BaseLayout>
  );
}

/**
 * The email form, or (once sent) the message that is the same for every address; on a hub that sends no mail,
 * where to get a reset link instead (never a claim that one was mailed).
 */
export function ForgotBlock(props: { ctx: PageContext; mailEnabled: boolean; sent?: boolean; errors?: FormErrors }): JSX.Element {
  const { ctx } = props;
  const e = props.errors ?? {};
  if (!props.mailEnabled) {
    return (
      <div id="forgot-block">
        <p class="alert" role="status" safe>{ctx.t("forgot.noMail")}</p>
        <p><a href="/login" safe>{ctx.t("forgot.back")}</a></p>
      </div>
    );
  }
  if (props.sent) {
    return (
      <div id="forgot-block">
        <p class="success" role="status" safe>{ctx.t("forgot.sent")}</p>
        <p><a href="/login" safe>{ctx.t("forgot.back")}</a></p>
      </div>
    );
  }
  return (
    <div id="forgot-block">
      <p class="muted" safe>{ctx.t("forgot.intro")}</p>
      <form class="stack" method="post" action="/forgot-password" hx-post="/forgot-password" hx-target="#forgot-block" hx-swap="outerHTML" novalidate>
        <input type="hidden" name="_csrf" value={ctx.csrf} />
        {e.form ? <p class="alert" role="alert" safe>{e.form}</p> : ""}
        <Field id="email" name="email" type="email" label={ctx.t("field.email")} value={e.values?.email} error={e.fields?.email} required autocomplete="email" maxlength={255} />
        <button type="submit" safe>{ctx.t("forgot.submit")}</button>
      </form>
      <p class="small muted"><a href="/login" safe>{ctx.t("forgot.back")}</a></p>
    </div>
  );
}

export function ForgotPage(props: { ctx: PageContext; mailEnabled: boolean; sent?: boolean; errors?: FormErrors }): JSX.Element {
  return (
    <CardPage ctx={props.ctx} title={props.ctx.t("forgot.title")}>
      <ForgotBlock {...props} />
    </CardPage>
  );
}

export type ResetState = { state: "form"; token: string; errors?: FormErrors } | { state: "done" } | { state: "invalid" };

/** The new-password form for a mailed token; then either "done, log in" or "this link does not work, ask again". */
export function ResetBlock(props: { ctx: PageContext; reset: ResetState }): JSX.Element {
  const { ctx, reset } = props;
  if (reset.state === "done") {
    return (
      <div id="reset-block">
        <p class="success" role="status" safe>{ctx.t("reset.done")}</p>
        <p><a class="button" href="/login" safe>{ctx.t("reset.login")}</a></p>
      </div>
    );
  }
  if (reset.state === "invalid") {
    return (
      <div id="reset-block">
        <p class="alert" role="alert" safe>{ctx.t("reset.invalid")}</p>
        <p><a class="button" href="/forgot-password" safe>{ctx.t("reset.again")}</a></p>
      </div>
    );
  }
  const e = reset.errors ?? {};
  return (
    <div id="reset-block">
      <form class="stack" method="post" action="/reset-password" hx-post="/reset-password" hx-target="#reset-block" hx-swap="outerHTML" novalidate>
        <input type="hidden" name="_csrf" value={ctx.csrf} />
        <input type="hidden" name="token" value={reset.token} />
        {e.form ? <p class="alert" role="alert" safe>{e.form}</p> : ""}
        <Field id="password" name="password" type="password" label={ctx.t("password.new")} error={e.fields?.password} required autocomplete="new-password" hint={ctx.t("field.passwordHint")} maxlength={1024} />
        <button type="submit" safe>{ctx.t("reset.submit")}</button>
      </form>
    </div>
  );
}

export function ResetPage(props: { ctx: PageContext; reset: ResetState }): JSX.Element {
  return (
    <CardPage ctx={props.ctx} title={props.ctx.t("reset.title")}>
      <ResetBlock {...props} />
    </CardPage>
  );
}

/** What a verification link says: verified, or that the link does not work; then onwards. */
export function VerifyPage(props: { ctx: PageContext; verified: boolean }): JSX.Element {
  const { ctx } = props;
  const signedIn = ctx.user !== null;
  return (
    <CardPage ctx={ctx} title={ctx.t("verify.title")}>
      {props.verified
        ? <p class="success" role="status" safe>{ctx.t("verify.done")}</p>
        : <p class="alert" role="alert" safe>{ctx.t("verify.invalid")}</p>}
      <p><a class="button" href={signedIn ? "/dashboard" : "/login"} safe>{ctx.t(signedIn ? "verify.toDashboard" : "verify.toLogin")}</a></p>
    </CardPage>
  );
}
