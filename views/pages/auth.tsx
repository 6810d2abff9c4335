// The log-in and sign-up pages. Errors come back as the same form, so they work with and without htmx.
import type { FormErrors, PageContext } from "../types.ts";
import { Field } from "../components/field.tsx";
import { BaseLayout } from "../layouts/base.tsx";

/** The form alone: htmx swaps it in place when the server answers with errors. */
export function AuthForm(props: { ctx: PageContext; mode: "login" | "register"; errors?: FormErrors }): JSX.Element {
  const { ctx, mode } = props;
  const e = props.errors ?? {};
  const action = mode === "login" ? "/login" : "/register";
  return (
    <form id="auth-form" class="stack" method="post" action={action} hx-post={action} hx-target="#auth-form" hx-swap="outerHTML" novalidate>
      <input type="hidden" name="_csrf" value={ctx.csrf} />
      {e.form ? <p class="alert" role="alert" safe>{e.form}</p> : ""}
      {mode === "register" ? <Field id="full_name" name="full_name" label={ctx.t("field.fullName")} value={e.values?.full_name} error={e.fields?.full_name} autocomplete="name" maxlength={100} /> : ""}
      <Field id="email" name="email" type="email" label={ctx.t("field.email")} value={e.values?.email} error={e.fields?.email} required autocomplete="email" maxlength={255} />
      <Field id="password" name="password" type="password" label={ctx.t("field.password")} error={e.fields?.password} required autocomplete={mode === "login" ? "current-password" : "new-password"} hint={mode === "register" ? ctx.t("field.passwordHint") : undefined} maxlength={1024} />
      <button type="submit" safe>{ctx.t(mode === "login" ? "login.submit" : "register.submit")}</button>
    </form>
  );
}

export function AuthPage(props: { ctx: PageContext; mode: "login" | "register"; errors?: FormErrors; notice?: string }): JSX.Element {
  const { ctx, mode } = props;
  const title = ctx.t(mode === "login" ? "login.title" : "register.title");
  return (
    <BaseLayout ctx={ctx} title={title}>
      <div class="auth">
        <div class="card">
          <h1 safe>{title}</h1>
          {props.notice ? <p class="success" role="status" safe>{props.notice}</p> : ""}
          <AuthForm ctx={ctx} mode={mode} errors={props.errors} />
          {mode === "login" ? <p class="small"><a href="/forgot-password" safe>{ctx.t("forgot.link")}</a></p> : ""}
          <p class="small muted">
            {mode === "login"
              ? <><span safe>{ctx.t("login.noAccount")}</span> <a href="/register" safe>{ctx.t("login.register")}</a></>
              : <><span safe>{ctx.t("register.haveAccount")}</span> <a href="/login" safe>{ctx.t("register.login")}</a></>}
          </p>
        </div>
      </div>
    </BaseLayout>
  );
}
