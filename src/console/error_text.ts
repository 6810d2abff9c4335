// What a console page says about an HttpError: a message written for people in the page's language, chosen by
// the error's machine reason, code and field (never its English text); the API answers the English message unchanged.
import type { HttpError } from "../http/mod.ts";
import type { MessageKey, Translate } from "./i18n.ts";

/** A validation error's message per field, when the field's rule has one wording. */
const FIELD_MESSAGES: Record<string, MessageKey> = {
  email: "error.email",
  password: "error.password",
  new_password: "error.password",
  full_name: "error.fullName",
  name: "error.keyName",
  description: "error.description",
  rate_limit: "error.rateLimit",
  expires_in_days: "error.expiresInDays",
  expires_on: "error.expiresOn",
  message: "error.message",
  model: "error.model",
  // The playground's sampling fields and its conversation.
  temperature: "error.temperature",
  max_tokens: "error.maxTokens",
  stop: "error.stop",
  messages: "error.messages",
  // The admin console's user and plan forms.
  monthly_quota: "error.monthlyQuota",
  rate_limit_ceiling: "error.rateLimitCeilingAdmin",
  price: "error.planPrice",
  max_keys: "error.maxKeys",
  default_rate_limit: "error.defaultRateLimit",
  // The settings page's webhook form.
  url: "error.webhookUrl",
};

/** A refusal's message for people, from its machine reason (or, for reasonless codes, the code alone); null when not known here. */
function refusalText(t: Translate, error: HttpError): string | null {
  const reason = error.reason;
  if (reason) {
    switch (reason.kind) {
      case "wrong_credentials":
        return t("error.wrongCredentials");
      case "account_disabled":
        return t("error.accountDisabled");
      case "email_not_verified":
        return t("error.emailNotVerified");
      case "email_taken":
        return t("error.emailTaken");
      case "key_not_found":
        return t("error.keyNotFound");
      case "last_admin":
        return t("error.lastAdmin");
      case "key_revoked":
        return t("error.keyRevoked");
      case "control_characters":
        return t("error.controlCharacters");
      case "key_limit":
        return t("error.keyLimit", { max: reason.max });
      case "rate_limit_above_plan":
        return t("error.rateLimitCeiling", { max: reason.ceiling });
      case "login_throttled":
        return t("error.loginThrottled", { seconds: reason.seconds });
      case "register_throttled":
        return t("error.registerThrottled", { seconds: reason.seconds });
      case "reset_throttled":
        return t("forgot.tooMany", { seconds: reason.seconds });
      case "verify_throttled":
        return t("verify.tooMany", { seconds: reason.seconds });
      case "rate_limited":
        return t("error.rateLimited", { limit: reason.limit });
      case "quota_exceeded":
        return t("error.quotaExceeded", { used: reason.used, limit: reason.limit });
      case "model_not_found":
        return t("error.modelNotFound", { model: reason.model });
      case "webhook_url_not_http":
        return t("error.webhookUrl");
      case "webhook_url_credentials":
        return t("error.webhookUrlCredentials");
      case "webhook_url_private":
        return t("error.webhookUrlPrivate");
      case "webhook_host_unresolved":
        return t("error.webhookHostUnresolved", { host: reason.host });
      case "upstream_exists":
        return t("error.upstreamExists", { upstream: reason.upstream });
      case "upstream_not_found":
        return t("error.upstreamNotFound", { upstream: reason.upstream });
      case "upstream_read_only":
        return t("error.upstreamReadOnly", { upstream: reason.upstream });
      case "upstream_in_use":
        return t("error.upstreamInUse", { upstream: reason.upstream, model: reason.model });
      case "catalog_model_exists":
        return t("error.catalogModelExists", { model: reason.model });
      case "catalog_model_not_found":
        return t("error.catalogModelNotFound", { model: reason.model });
      case "catalog_model_read_only":
        return t("error.catalogModelReadOnly", { model: reason.model });
      case "model_name_taken":
        return t("error.modelNameTaken", { name: reason.name, owner: reason.owner });
    }
  }
  switch (error.code) {
    case "invalid_api_key":
      return t("error.invalidKey");
    case "upstream_failed":
      return t("error.upstreamFailed");
    case "upstream_timeout":
      return t("error.upstreamTimeout");
    case "unavailable":
      return t("error.unavailable");
    default:
      return null;
  }
}

/** `error` as the page's language says it to people; an error this file does not know keeps its English message. */
export function errorText(t: Translate, error: HttpError): string {
  const refusal = refusalText(t, error);
  if (refusal !== null || error.code !== "validation") return refusal ?? error.message;
  const field = error.param?.split(/[.[]/)[0] ?? "";
  const key = FIELD_MESSAGES[field];
  return key ? t(key) : error.message;
}
