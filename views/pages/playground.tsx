// The playground: pick a key and a model, send a message, watch the answer stream in (or arrive whole without JS).
import type { FormErrors, PageContext } from "../types.ts";
import { BaseLayout } from "../layouts/base.tsx";

export interface PlaygroundProps {
  ctx: PageContext;
  keys: Array<{ id: number; name: string; prefix: string }>;
  models: Array<{ id: string; name: string }>;
  selected: { keyId?: number; model?: string; message?: string };
  answer?: { text: string; meta: string };
  errors?: FormErrors;
}

export function PlaygroundPage(props: PlaygroundProps): JSX.Element {
  const { ctx } = props;
  return (
    <BaseLayout ctx={ctx} title={ctx.t("playground.title")}>
      <h1 safe>{ctx.t("playground.title")}</h1>
      {props.keys.length === 0 ? (
        <p class="notice"><span safe>{ctx.t("playground.needKey")}</span> <a href="/dashboard/api-keys" safe>{ctx.t("keys.create")}</a></p>
      ) : (
        <div class="grid cols-2">
          <div class="card">
            <form class="stack" method="post" action="/dashboard/playground" data-playground data-stream-action="/dashboard/playground/stream">
              <input type="hidden" name="_csrf" value={ctx.csrf} />
              {props.errors?.form ? <p class="alert" role="alert" safe>{props.errors.form}</p> : ""}
              <div class="field">
                <label for="pg-key" safe>{ctx.t("playground.key")}</label>
                <select id="pg-key" name="key_id">
                  {props.keys.map((k) => <option value={String(k.id)} selected={k.id === props.selected.keyId} safe>{`${k.name} (${k.prefix}…)`}</option>)}
                </select>
              </div>
              <div class="field">
                <label for="pg-model" safe>{ctx.t("playground.model")}</label>
                <select id="pg-model" name="model">
                  {props.models.map((m) => <option value={m.id} selected={m.id === props.selected.model} safe>{m.name}</option>)}
                </select>
              </div>
              <div class="field">
                <label for="pg-message" safe>{ctx.t("playground.message")}</label>
                <textarea id="pg-message" name="message" required maxlength="20000" safe>{props.selected.message ?? ""}</textarea>
              </div>
              <p class="small muted" safe>{ctx.t("playground.charged")}</p>
              <div><button type="submit" safe>{ctx.t("playground.send")}</button></div>
            </form>
          </div>
          <div class="card">
            <h2 safe>{ctx.t("playground.answer")}</h2>
            <pre class="answer" id="playground-output" aria-live="polite" safe>{props.answer?.text ?? ""}</pre>
            <p class="small muted mono" id="playground-meta" safe>{props.answer?.meta ?? ""}</p>
          </div>
        </div>
      )}
    </BaseLayout>
  );
}
