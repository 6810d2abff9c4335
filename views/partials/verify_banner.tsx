// The dashboard's banner for an unverified email address, with a button that mails the link again (throttled).

import type { PageContext, VerifyBannerState } from "../types.ts";

export function VerifyBanner(props: { ctx: PageContext; banner: VerifyBannerState }): JSX.Element {
  const { ctx, banner } = props;
  return (
    <div id="verify-banner" class="notice verify-banner" role="status">
      <span safe>{ctx.t("verify.banner")}</span>
      {banner.state === "sent" ? <strong safe>{ctx.t("verify.sent")}</strong> : ""}
      {banner.state === "wait" ? <strong safe>{ctx.t("verify.tooMany", { seconds: banner.retryAfterSec })}</strong> : ""}
      {banner.state === "unverified" ? (
        <form method="post" action="/verify-email/resend" hx-post="/verify-email/resend" hx-target="#verify-banner" hx-swap="outerHTML">
          <input type="hidden" name="_csrf" value={ctx.csrf} />
          <button type="submit" class="secondary" safe>{ctx.t("verify.resend")}</button>
        </form>
      ) : ""}
    </div>
  );
}
