// The playground: a key, a model (or two side by side), a system prompt and sampling parameters, a conversation.
// With JavaScript the replies stream in and a stop button cuts them; without it the form posts and the conversation
// travels in hidden fields. Replies show their metrics, refusals show as alerts, "view code" shows the same call.
import type { PageContext } from "../types.ts";
import { BaseLayout } from "../layouts/base.tsx";

/** One answer column: its model, the conversation shown, the turns it sends next time, its last reply's metrics or refusal. */
export interface PlaygroundColumn {
  model: string;
  turns: Array<{ role: "user" | "assistant"; content: string }>;
  history: Array<{ role: "user" | "assistant"; content: string }>;
  lastMetrics?: string;
  error?: string;
}

export interface PlaygroundProps {
  ctx: PageContext;
  keys: Array<{ id: number; name: string; prefix: string }>;
  models: Array<{ id: string; name: string }>;
  values: { keyId?: number; model: string; modelB: string; system: string; temperature: string; maxTokens: string; stop: string; message: string };
  columns: PlaygroundColumn[];
  errors?: { form?: string; fields?: Record<string, string> };
  code: { curl: string; python: string; javascript: string };
}

/** The three snippets of one call (also the fragment "view code" fetches). */
export function PlaygroundCode(props: { ctx: PageContext; code: PlaygroundProps["code"] }): JSX.Element {
  const { ctx, code } = props;
  const blocks: Array<[id: string, label: string, text: string]> = [["curl", "curl", code.curl], ["python", "Python (openai)", code.python], ["javascript", "JavaScript (openai)", code.javascript]];
  return (
    <div id="pg-code-body" class="pg-code-body">
      <p class="small muted" safe>{ctx.t("playground.codeHint")}</p>
      {blocks.map(([id, label, text]) => (
        <div class="pg-snippet">
          <div class="pg-snippet-head">
            <h3 safe>{label}</h3>
            <button type="button" class="secondary" data-copy={`pg-code-${id}`} data-copy-status={`pg-code-${id}-status`} data-copied={ctx.t("playground.copied")} safe>{ctx.t("playground.copy")}</button>
            <span id={`pg-code-${id}-status`} class="small muted" role="status"></span>
          </div>
          <pre class="code" id={`pg-code-${id}`} data-lang={id} tabindex="0" safe>{text}</pre>
        </div>
      ))}
    </div>
  );
}

function ParamField(props: { id: string; name: string; label: string; hint: string; value: string; error?: string; inputmode: string; placeholder: string }): JSX.Element {
  return (
    <div class="field">
      <label for={props.id} safe>{props.label}</label>
      <input id={props.id} name={props.name} type="text" inputmode={props.inputmode as never} value={props.value} placeholder={props.placeholder} autocomplete="off" aria-invalid={props.error ? "true" : undefined} aria-describedby={`${props.id}-hint${props.error ? ` ${props.id}-error` : ""}`} />
      <span class="hint" id={`${props.id}-hint`} safe>{props.hint}</span>
      {props.error ? <span class="error" id={`${props.id}-error`} role="alert" safe>{props.error}</span> : ""}
    </div>
  );
}

function Column(props: { ctx: PageContext; column: PlaygroundColumn | undefined; index: number; models: PlaygroundProps["models"] }): JSX.Element {
  const { ctx, column, index } = props;
  const name = props.models.find((m) => m.id === column?.model)?.name ?? column?.model ?? "";
  const turns = column?.turns ?? [];
  return (
    <section class="card pg-column" data-column={String(index)} hidden={column ? undefined : true} aria-labelledby={`pg-column-${index}-title`}>
      <h2 id={`pg-column-${index}-title`} class="pg-column-title" safe>{name}</h2>
      <ol class="pg-transcript" aria-live="polite">
        {turns.length === 0 ? <li class="pg-empty muted small" safe>{ctx.t("playground.empty")}</li> : ""}
        {turns.map((turn, i) => (
          <li class={`pg-turn pg-${turn.role}`}>
            <div class="pg-role small" safe>{turn.role === "user" ? ctx.t("playground.you") : ctx.t("playground.assistant")}</div>
            <div class="pg-text" safe>{turn.content}</div>
            {i === turns.length - 1 && turn.role === "assistant" && column?.lastMetrics ? <p class="pg-metrics small muted mono" safe>{column.lastMetrics}</p> : ""}
          </li>
        ))}
      </ol>
      {column?.error ? <p class="alert pg-alert" role="alert" safe>{column.error}</p> : ""}
      <input type="hidden" name={index === 0 ? "history" : "history_b"} value={JSON.stringify(column?.history ?? [])} />
    </section>
  );
}

export function PlaygroundPage(props: PlaygroundProps): JSX.Element {
  const { ctx, values, errors } = props;
  const fields = errors?.fields ?? {};
  return (
    <BaseLayout ctx={ctx} title={ctx.t("playground.title")}>
      <h1 safe>{ctx.t("playground.title")}</h1>
      {props.keys.length === 0 ? (
        <p class="notice"><span safe>{ctx.t("playground.needKey")}</span> <a href="/dashboard/api-keys" safe>{ctx.t("keys.create")}</a></p>
      ) : (
        <form class="pg" method="post" action="/dashboard/playground" data-playground data-stream-action="/dashboard/playground/stream" data-code-action="/dashboard/playground/code"
          data-text-you={ctx.t("playground.you")} data-text-assistant={ctx.t("playground.assistant")} data-text-stopped={ctx.t("playground.stopped")} data-text-network={ctx.t("playground.network")} data-text-empty={ctx.t("playground.empty")}>
          <input type="hidden" name="_csrf" value={ctx.csrf} />
          <p class="small muted" safe>{ctx.t("playground.charged")}</p>
          {errors?.form ? <p class="alert" role="alert" safe>{errors.form}</p> : ""}
          <div class="pg-layout">
            <div class="pg-main">
              <div class={`pg-columns${props.columns.length > 1 ? " pg-compare" : ""}`}>
                <Column ctx={ctx} column={props.columns[0]} index={0} models={props.models} />
                <Column ctx={ctx} column={props.columns[1]} index={1} models={props.models} />
              </div>
              <div class="card pg-compose">
                <div class="field">
                  <label for="pg-message" safe>{ctx.t("playground.message")}</label>
                  <textarea id="pg-message" name="message" rows="3" maxlength="200000" aria-invalid={fields.message ? "true" : undefined} aria-describedby={fields.message ? "pg-message-error" : undefined} safe>{values.message}</textarea>
                  {fields.message ? <span class="error" id="pg-message-error" role="alert" safe>{fields.message}</span> : ""}
                </div>
                <div class="pg-actions">
                  <button type="submit" data-pg-send safe>{ctx.t("playground.send")}</button>
                  <button type="button" class="secondary" data-pg-stop hidden safe>{ctx.t("playground.stopButton")}</button>
                </div>
              </div>
            </div>
            <div class="card pg-settings">
              <h2 safe>{ctx.t("playground.settings")}</h2>
              <div class="field">
                <label for="pg-key" safe>{ctx.t("playground.key")}</label>
                <select id="pg-key" name="key_id">
                  {props.keys.map((k) => <option value={String(k.id)} selected={k.id === values.keyId} safe>{`${k.name} (${k.prefix}…)`}</option>)}
                </select>
              </div>
              <div class="field">
                <label for="pg-model" safe>{ctx.t("playground.model")}</label>
                <select id="pg-model" name="model">
                  {props.models.map((m) => <option value={m.id} selected={m.id === values.model} safe>{m.name}</option>)}
                </select>
              </div>
              <div class="field">
                <label for="pg-model-b" safe>{ctx.t("playground.compare")}</label>
                <select id="pg-model-b" name="model_b" aria-describedby="pg-model-b-hint">
                  <option value="" selected={values.modelB === ""} safe>{ctx.t("playground.compareNone")}</option>
                  {props.models.map((m) => <option value={m.id} selected={m.id === values.modelB} safe>{m.name}</option>)}
                </select>
                <span class="hint" id="pg-model-b-hint" safe>{ctx.t("playground.compareHint")}</span>
              </div>
              <div class="field">
                <label for="pg-system" safe>{ctx.t("playground.system")}</label>
                <textarea id="pg-system" name="system" rows="3" maxlength="200000" placeholder={ctx.t("playground.systemPlaceholder")} safe>{values.system}</textarea>
              </div>
              <div class="pg-params">
                <ParamField id="pg-temperature" name="temperature" label={ctx.t("playground.temperature")} hint={ctx.t("playground.temperatureHint")} value={values.temperature} error={fields.temperature} inputmode="decimal" placeholder="1" />
                <ParamField id="pg-max-tokens" name="max_tokens" label={ctx.t("playground.maxTokens")} hint={ctx.t("playground.maxTokensHint")} value={values.maxTokens} error={fields.max_tokens} inputmode="numeric" placeholder="—" />
              </div>
              <div class="field">
                <label for="pg-stop" safe>{ctx.t("playground.stop")}</label>
                <textarea id="pg-stop" name="stop" rows="2" aria-invalid={fields.stop ? "true" : undefined} aria-describedby={`pg-stop-hint${fields.stop ? " pg-stop-error" : ""}`} safe>{values.stop}</textarea>
                <span class="hint" id="pg-stop-hint" safe>{ctx.t("playground.stopHint")}</span>
                {fields.stop ? <span class="error" id="pg-stop-error" role="alert" safe>{fields.stop}</span> : ""}
              </div>
              <a class="button secondary" href="/dashboard/playground" data-pg-new safe>{ctx.t("playground.newChat")}</a>
            </div>
            <details class="card pg-code" id="pg-code">
              <summary safe>{ctx.t("playground.viewCode")}</summary>
              <PlaygroundCode ctx={ctx} code={props.code} />
            </details>
          </div>
        </form>
      )}
      {/* The streaming, stop and compare behaviour; deferred, so it runs before DOMContentLoaded like app.js. */}
      <script src="/static/playground.js" defer></script>
    </BaseLayout>
  );
}
