// What a console page says about an HttpError: a message written for people in the page's language, chosen by
// the error's code and field (or, for refusals, its contract message); the API answers the English message unchanged.
import { CONTROL_CHARACTER_PROBLEM, type HttpError } from "../http/mod.ts";
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
  // The admin console's user and plan forms.
  monthly_quota: "error.monthlyQuota",
  rate_limit_ceiling: "error.rateLimitCeilingAdmin",
  price: "error.planPrice",
  max_keys: "error.maxKeys",
  default_rate_limit: "error.defaultRateLimit",
};

/** The first whole number after `pattern` in `text` (the refusal's limit or wait), or null. */
function numberAfter(text: string, pattern: RegExp): number | null {
  const match = pattern.exec(text);
  return match ? Number(match[1]) : null;
}

/** A refusal's message for people, keyed by its code and the API's contract message; null when not known here. */
function refusalText(t: Translate, error: HttpError): string | null {
  const text = error.message;
  switch (error.code) {
    case "unauthorized":
      return text === "Incorrect email or password" ? t("error.wrongCredentials") : null;
    case "invalid_api_key":
      return t("error.invalidKey");
    case "forbidden":
      if (text === "Account is disabled") return t("error.accountDisabled");
      if (text === "Email not verified") return t("error.emailNotVerified");
      if (text.startsWith("Maximum number of API keys")) return t("error.keyLimit", { max: numberAfter(text, /\((\d+)\)/) ?? "" });
      return null;
    case "conflict":
      if (text === "Cannot update API key: it is revoked") return t("error.keyRevoked");
      return text.startsWith("Cannot demote or disable the last admin") ? t("error.lastAdmin") : null;
    case "bad_request":
      return text === "Email already registered" ? t("error.emailTaken") : null;
    case "not_found":
      return text === "API key not found" ? t("error.keyNotFound") : null;
    case "model_not_found":
      return t("error.modelNotFound", { model: /'([^']*)'/.exec(text)?.[1] ?? "" });
    case "rate_limited": {
      const seconds = numberAfter(text, /in (\d+) seconds/);
      if (text.startsWith("Too many failed login attempts") && seconds !== null) return t("error.loginThrottled", { seconds });
      if (text.startsWith("Too many registrations") && seconds !== null) return t("error.registerThrottled", { seconds });
      if (text.startsWith("Too many password reset requests") && seconds !== null) return t("forgot.tooMany", { seconds });
      if (text.startsWith("Too many verification mails") && seconds !== null) return t("verify.tooMany", { seconds });
      const limit = numberAfter(text, /Maximum (\d+) requests per minute/);
      return limit === null ? null : t("error.rateLimited", { limit });
    }
    case "insufficient_quota": {
      const match = /Used (\d+)\/(\d+)/.exec(text);
      return match ? t("error.quotaExceeded", { used: match[1]!, limit: match[2]! }) : null;
    }
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
  if (error.code !== "validation") return refusalText(t, error) ?? error.message;
  const field = error.param?.split(/[.[]/)[0] ?? "";
  if (error.message.includes(CONTROL_CHARACTER_PROBLEM)) return t("error.controlCharacters");
  // The key form's plan ceiling is a number only the refusal knows.
  const ceiling = field === "rate_limit" ? numberAfter(error.message, /from 1 to (\d+)/) : null;
  if (ceiling !== null) return t("error.rateLimitCeiling", { max: ceiling });
  const key = FIELD_MESSAGES[field];
  return key ? t(key) : error.message;
}
