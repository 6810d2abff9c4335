// The API keys page, and the confirmation page a revoke without JavaScript goes through.
import type { CreatedKey, FormErrors, KeyRow, PageContext } from "../types.ts";
import { BaseLayout } from "../layouts/base.tsx";
import { KeysSection } from "../partials/keys.tsx";

export function KeysPage(props: { ctx: PageContext; keys: KeyRow[]; maxRate: number; errors?: FormErrors; created?: CreatedKey }): JSX.Element {
  const { ctx } = props;
  return (
    <BaseLayout ctx={ctx} title={ctx.t("keys.title")}>
      <h1 safe>{ctx.t("keys.title")}</h1>
      <KeysSection {...props} />
    </BaseLayout>
  );
}

export function ConfirmRevokePage(props: { ctx: PageContext; item: KeyRow }): JSX.Element {
  const { ctx, item: key } = props;
  return (
    <BaseLayout ctx={ctx} title={ctx.t("keys.revoke")}>
      <div class="auth">
        <div class="card">
          <h1 safe>{`${ctx.t("keys.revoke")}: ${key.name}`}</h1>
          <p safe>{ctx.t("keys.confirmRevoke")}</p>
          <p><code safe>{`${key.prefix}…`}</code></p>
          <form method="post" action={`/dashboard/api-keys/${key.id}/revoke`} class="toolbar">
            <input type="hidden" name="_csrf" value={ctx.csrf} />
            <input type="hidden" name="confirm" value="yes" />
            <a class="button secondary" href="/dashboard/api-keys" safe>{ctx.t("common.cancel")}</a>
            <button type="submit" class="danger" safe>{ctx.t("keys.revoke")}</button>
          </form>
        </div>
      </div>
    </BaseLayout>
  );
}
