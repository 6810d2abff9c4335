// What console pages show of service results: key rows and form errors next to their fields.
import { HttpError } from "../http/mod.ts";
import { type ApiKey, expiryDate, isExpired } from "../keys/mod.ts";
import type { FormErrors, KeyDetail, KeyRow } from "../../views/types.ts";
import { errorText } from "./error_text.ts";
import type { Translate } from "./i18n.ts";

/** A key as the keys table shows it. */
export function keyRow(key: ApiKey): KeyRow {
  return {
    id: key.id,
    name: key.name,
    description: key.description,
    prefix: key.keyPrefix,
    status: !key.isActive ? "revoked" : isExpired(key) ? "expired" : "active",
    rateLimit: key.rateLimit,
    totalRequests: key.totalRequests,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
  };
}

/** A key as its own page shows it; `planRateLimit` is the owner's per-key ceiling. */
export function keyDetail(key: ApiKey, planRateLimit: number): KeyDetail {
  return {
    ...keyRow(key),
    planRateLimit,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    expiresOn: expiryDate(key),
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

/**
 * Form errors from a refusal: a field's message next to it, anything else above the form; with `t`, in the
 * page's language (error_text.ts), else the error's own message.
 */
export function formErrors(error: unknown, values: Record<string, string>, options: { t?: Translate } = {}): FormErrors {
  if (!(error instanceof HttpError)) throw error;
  const field = error.param?.split(/[.[]/)[0];
  const message = options.t ? errorText(options.t, error) : error.message;
  return field && error.code === "validation" ? { fields: { [field]: message }, values } : { form: message, values };
}
