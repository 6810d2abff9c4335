// Ready-to-run calls (curl, Python and JavaScript with the openai SDK) filled in with the hub's address and a key, each with a copy button.
import type { PageContext } from "../types.ts";

export interface SnippetTarget {
  /** The hub's base URL as the browser reached it (no trailing slash). */
  baseUrl: string;
  model: string;
  /** The key's secret; absent: the snippets read AIHUB_API_KEY from the environment. */
  secret?: string;
}

/** The three snippets as text; the greeting is in the page's language, so the demo model answers in it too. */
export function snippetTexts(target: SnippetTarget, lang: string): { curl: string; python: string; javascript: string } {
  const hello = lang === "en" ? "Hello!" : "你好！";
  const body = JSON.stringify({ model: target.model, messages: [{ role: "user", content: hello }] });
  const q = (s: string) => JSON.stringify(s);
  const curlKey = target.secret ?? "$AIHUB_API_KEY";
  const curl = `curl ${target.baseUrl}/v1/chat/completions \\\n  -H "Authorization: Bearer ${curlKey}" \\\n  -H "Content-Type: application/json" \\\n  -d '${body.replaceAll("'", "'\\''")}'`;
  const python = `${target.secret ? "" : "import os\n"}from openai import OpenAI\n\nclient = OpenAI(base_url=${q(`${target.baseUrl}/v1`)}, api_key=${target.secret ? q(target.secret) : 'os.environ["AIHUB_API_KEY"]'})\n\ncompletion = client.chat.completions.create(\n    model=${q(target.model)},\n    messages=[{"role": "user", "content": ${q(hello)}}],\n)\nprint(completion.choices[0].message.content)`;
  const javascript = `import OpenAI from "openai";\n\nconst client = new OpenAI({ baseURL: ${q(`${target.baseUrl}/v1`)}, apiKey: ${target.secret ? q(target.secret) : "process.env.AIHUB_API_KEY"} });\n\nconst completion = await client.chat.completions.create({\n  model: ${q(target.model)},\n  messages: [{ role: "user", content: ${q(hello)} }],\n});\nconsole.log(completion.choices[0].message.content);`;
  return { curl, python, javascript };
}

const LABELS = { curl: "curl", python: "Python (openai)", javascript: "JavaScript (openai)" } as const;

/** The snippets, one block each; `idPrefix` keeps ids unique where two sets could meet on one page. */
export function CallSnippets(props: { ctx: PageContext; target: SnippetTarget; idPrefix: string; only?: Array<keyof typeof LABELS> }): JSX.Element {
  const { ctx, idPrefix } = props;
  const texts = snippetTexts(props.target, ctx.lang);
  const shown = props.only ?? (["curl", "python", "javascript"] as const);
  return (
    <div class="snippets">
      {shown.map((name) => (
        <div class="snippet">
          <div class="snippet-head">
            <h3>{LABELS[name]}</h3>
            <button type="button" class="secondary" data-copy={`${idPrefix}-${name}`} data-copy-status={`${idPrefix}-${name}-status`} data-copied={ctx.t("keys.copied")} aria-label={`${ctx.t("snippets.copy")}: ${LABELS[name]}`} safe>{ctx.t("snippets.copy")}</button>
          </div>
          <pre class="code" id={`${idPrefix}-${name}`} tabindex="0" safe>{texts[name]}</pre>
          <p class="small muted" id={`${idPrefix}-${name}-status`} aria-live="polite"></p>
        </div>
      ))}
    </div>
  );
}
