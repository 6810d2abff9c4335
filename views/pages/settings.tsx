// /dashboard/settings: change password, sessions, webhooks, delete account.
import type { FormErrors, Notice, PageContext, SessionRow } from "../types.ts";
import { BaseLayout } from "../layouts/base.tsx";
import { DeleteSection, PasswordSection, SessionsSection } from "../partials/settings.tsx";
import { WebhooksSection, type WebhooksProps } from "../partials/webhooks.tsx";

export interface SettingsProps {
  ctx: PageContext;
  sessions: SessionRow[];
  webhooks: Omit<WebhooksProps, "ctx">;
  password?: { errors?: FormErrors; notice?: Notice };
  sessionsNotice?: Notice;
  deleteErrors?: FormErrors;
}

export function SettingsPage(props: SettingsProps): JSX.Element {
  const { ctx } = props;
  return (
    <BaseLayout ctx={ctx} title={ctx.t("settings.title")}>
      <h1 safe>{ctx.t("settings.title")}</h1>
      <div class="settings">
        <PasswordSection ctx={ctx} errors={props.password?.errors} notice={props.password?.notice} />
        <SessionsSection ctx={ctx} sessions={props.sessions} notice={props.sessionsNotice} />
        <WebhooksSection ctx={ctx} {...props.webhooks} />
        <DeleteSection ctx={ctx} errors={props.deleteErrors} />
      </div>
    </BaseLayout>
  );
}
