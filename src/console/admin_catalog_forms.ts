// What the catalog forms read and say: deployments typed one a line, and field errors in the page's language.
import type { FormErrors, PageContext } from "../../views/types.ts";
import { ADMIN_EN } from "./i18n_admin.ts";

/** "upstream [upstream_model] [priority] [weight]" lines as deployments for the schema to check (bad numbers fail it, naming the field). */
export function parseDeploymentLines(text: string): Array<{ upstream: string; upstream_model?: string; priority?: number; weight?: number }> {
  return text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean).map((line) => {
    const [upstream = "", upstreamModel, priority, weight] = line.split(/\s+/);
    return {
      upstream,
      ...(upstreamModel ? { upstream_model: upstreamModel } : {}),
      ...(priority !== undefined ? { priority: Number(priority) } : {}),
      ...(weight !== undefined ? { weight: Number(weight) } : {}),
    };
  });
}

const FIELD_MESSAGES: Record<string, keyof typeof ADMIN_EN> = {
  name: "admin.invalid.name",
  base_url: "admin.invalid.base_url",
  timeout_ms: "admin.invalid.timeout_ms",
  api_key: "admin.invalid.api_keys",
  api_keys: "admin.invalid.api_keys",
  id: "admin.invalid.id",
  upstream_model: "admin.invalid.id",
  input_price: "admin.invalid.price",
  output_price: "admin.invalid.price",
  upstream: "admin.invalid.upstream",
  deployments: "admin.invalid.deployments",
};

/** Field errors as the page's language says them (the schema's English message stays in the API). */
export function localizeFieldErrors(ctx: PageContext, errors: FormErrors, form = ""): FormErrors {
  if (!errors.fields) return errors;
  const fields = Object.fromEntries(Object.entries(errors.fields).map(([field, message]) => {
    // A model's "name" is its display name, an upstream's its identifier.
    const key = field === "name" && form.startsWith("model") ? "admin.invalid.displayName" : FIELD_MESSAGES[field];
    return [field, key ? ctx.t(key) : message];
  }));
  return { ...errors, fields };
}
