// The API reference: endpoints, limits and errors at a glance, with copyable examples, in the page's language.
import type { MessageKey } from "../../src/console/i18n.ts";
import type { PageContext } from "../types.ts";
import { BaseLayout } from "../layouts/base.tsx";
import { CallSnippets } from "../partials/snippets.tsx";

export interface ReferenceProps {
  ctx: PageContext;
  baseUrl: string;
  models: string[];
}

const ENDPOINTS: Array<[string, string, MessageKey]> = [
  ["POST", "/v1/chat/completions", "reference.ep.chat"],
  ["POST", "/v1/embeddings", "reference.ep.embeddings"],
  ["POST", "/v1/responses", "reference.ep.responses"],
  ["GET", "/v1/models", "reference.ep.models"],
  ["GET", "/v1/key", "reference.ep.key"],
  ["POST", "/api/v1/developer/chat", "reference.ep.simpleChat"],
  ["GET", "/api/v1/developer/models", "reference.ep.simpleModels"],
  ["GET", "/api/v1/developer/usage/current", "reference.ep.usageCurrent"],
  ["GET", "/api/v1/developer/usage/history?days=30", "reference.ep.usageHistory"],
  ["POST", "/api/v1/developer/api-keys", "reference.ep.createKey"],
];

/** A translated sentence whose {name} placeholders become the given elements (code, mostly); the words are escaped. */
function Sentence(props: { text: string; parts: Record<string, string> }): JSX.Element {
  return (
    <>
      {props.text.split(/\{(\w+)\}/).map((piece, i) => (i % 2 === 1 ? <code safe>{props.parts[piece] ?? piece}</code> : <span safe>{piece}</span>))}
    </>
  );
}

export function ReferencePage(props: ReferenceProps): JSX.Element {
  const { ctx, baseUrl } = props;
  const model = props.models[0] ?? "demo";
  return (
    <BaseLayout ctx={ctx} title={ctx.t("reference.title")}>
      <h1 safe>{ctx.t("reference.title")}</h1>
      <p><a class="button secondary" href="/docs/api">OpenAPI · Swagger UI</a> <a class="button secondary" href="/openapi.json">openapi.json</a> <a class="button secondary" href="/docs" safe>{ctx.t("docs.title")}</a></p>
      <div class="card">
        <h2 safe>{ctx.t("reference.endpoints")}</h2>
        <div class="table-wrap">
          <table class="cards">
            <thead><tr><th scope="col" safe>{ctx.t("reference.col.method")}</th><th scope="col" safe>{ctx.t("reference.col.path")}</th><th scope="col" safe>{ctx.t("reference.col.what")}</th></tr></thead>
            <tbody>{ENDPOINTS.map(([method, path, what]) => <tr><td class="mono" safe>{method}</td><td class="mono" safe>{path}</td><td safe>{ctx.t(what)}</td></tr>)}</tbody>
          </table>
        </div>
      </div>
      <div class="card spaced">
        <h2 safe>{ctx.t("reference.examples")}</h2>
        <CallSnippets ctx={ctx} target={{ baseUrl, model }} idPrefix="reference" />
      </div>
      <div class="card spaced">
        <h2 safe>{ctx.t("reference.limits")}</h2>
        <ul>
          <li><Sentence text={ctx.t("reference.limit.rate")} parts={{ code429: "429", retryAfter: "Retry-After" }} /></li>
          <li><Sentence text={ctx.t("reference.limit.quota")} parts={{ code402: "402" }} /></li>
          <li><Sentence text={ctx.t("reference.limit.headers")} parts={{ headers: "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-Quota-Limit, X-Quota-Remaining, X-Quota-Reset" }} /></li>
          <li><Sentence text={ctx.t("reference.limit.errors")} parts={{ v1: "/v1", v1Shape: '{"error": {"message", "type", "code", "param"}}', api: "/api/v1", apiShape: '{"detail": "…"}' }} /></li>
        </ul>
        <p>
          <span safe>{ctx.t("reference.more")}</span>{" "}
          <a href="/docs/rate-limits" safe>{ctx.t("docs.page.rate-limits")}</a> · <a href="/docs/errors" safe>{ctx.t("docs.page.errors")}</a> · <a href="/docs/authentication" safe>{ctx.t("docs.page.authentication")}</a>
        </p>
      </div>
    </BaseLayout>
  );
}
