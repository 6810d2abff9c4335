// The API reference: endpoints, authentication, limits and errors at a glance, with copyable examples.
import type { PageContext } from "../types.ts";
import { BaseLayout } from "../layouts/base.tsx";

export interface ReferenceProps {
  ctx: PageContext;
  baseUrl: string;
  models: string[];
}

const ENDPOINTS: Array<[string, string, string]> = [
  ["POST", "/v1/chat/completions", "OpenAI-compatible chat (stream and non-stream)"],
  ["GET", "/v1/models", "Models you can call"],
  ["GET", "/v1/key", "The calling key: plan, limits, quota"],
  ["POST", "/api/v1/developer/chat", "{message, model?, stream=true} → SSE or {response, model, tokens_used, cost}"],
  ["GET", "/api/v1/developer/models", "{models: [{id, name, provider, type, free}]}"],
  ["GET", "/api/v1/developer/usage/current", "Quota used this month (account token)"],
  ["GET", "/api/v1/developer/usage/history?days=30", "Daily requests and cost (account token)"],
  ["POST", "/api/v1/developer/api-keys", "Create a key (account token)"],
];

export function ReferencePage(props: ReferenceProps): JSX.Element {
  const { ctx, baseUrl } = props;
  const model = props.models[0] ?? "demo";
  const curl = `curl ${baseUrl}/v1/chat/completions \\\n  -H "Authorization: Bearer $AIHUB_API_KEY" \\\n  -H "Content-Type: application/json" \\\n  -d '{"model": "${model}", "messages": [{"role": "user", "content": "Hello"}]}'`;
  const sdk = `import OpenAI from "openai";\n\nconst client = new OpenAI({ apiKey: process.env.AIHUB_API_KEY, baseURL: "${baseUrl}/v1" });\nconst reply = await client.chat.completions.create({\n  model: "${model}",\n  messages: [{ role: "user", content: "Hello" }],\n});\nconsole.log(reply.choices[0].message.content);`;
  return (
    <BaseLayout ctx={ctx} title={ctx.t("reference.title")}>
      <h1 safe>{ctx.t("reference.title")}</h1>
      <p><a class="button secondary" href="/docs/api">OpenAPI · Swagger UI</a> <a class="button secondary" href="/openapi.json">openapi.json</a></p>
      <div class="card">
        <h2>Endpoints</h2>
        <div class="table-wrap">
          <table class="cards">
            <tbody>{ENDPOINTS.map(([method, path, what]) => <tr><td class="mono" safe>{method}</td><td class="mono" safe>{path}</td><td safe>{what}</td></tr>)}</tbody>
          </table>
        </div>
      </div>
      <div class="grid cols-2 spaced">
        <div class="card"><h2>curl</h2><pre class="code" safe>{curl}</pre></div>
        <div class="card"><h2>openai (JavaScript)</h2><pre class="code" safe>{sdk}</pre></div>
      </div>
      <div class="card spaced">
        <h2>Limits and errors</h2>
        <ul>
          <li>Rate limit: per key, requests per 60-second sliding window; <code>429</code> with <code>Retry-After</code>.</li>
          <li>Quota: per account, successful chat calls per calendar month (UTC); <code>402</code> when used up.</li>
          <li>Headers on every call: <code>X-RateLimit-Limit</code>, <code>X-RateLimit-Remaining</code>, <code>X-RateLimit-Reset</code>, <code>X-Quota-Limit</code>, <code>X-Quota-Remaining</code>, <code>X-Quota-Reset</code>.</li>
          <li>Errors: <code>{'{"error": {"message", "type", "code", "param"}}'}</code> on <code>/v1</code>, <code>{'{"detail": "…"}'}</code> on <code>/api/v1</code>.</li>
        </ul>
      </div>
    </BaseLayout>
  );
}
