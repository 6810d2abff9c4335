// Console pages for trying the API: the playground (each call through the developer API's own runCall, metered and
// recorded like an API call with the chosen key) and the reference.
import { Elysia } from "elysia";
import type { User } from "../auth/mod.ts";
import { type CallOutcome, completionPlan, observePlan, runCall, startCall } from "../gateway/mod.ts";
import { HttpError, plainHost } from "../http/mod.ts";
import { isExpired, listApiKeys, verifyOwnedKey } from "../keys/mod.ts";
import { PlaygroundCode, PlaygroundPage, type PlaygroundColumn } from "../../views/pages/playground.tsx";
import { ReferencePage } from "../../views/pages/reference.tsx";
import type { PageContext } from "../../views/types.ts";
import { errorText } from "./error_text.ts";
import type { Translate } from "./i18n.ts";
import { assertSendable, codeSnippets, metricsOf, metricsText, type PlaygroundForm, playgroundForm, requestBody, type Turn } from "./playground.ts";
import { type ConsoleDeps, consoleSession, requireUser } from "./session.ts";

/** A playground call on its way: the gateway's response, and its outcome once the call ends. */
interface Started {
  response: Response;
  outcome: Promise<CallOutcome>;
  startedAt: number;
}

/** What one column's call came to without JavaScript: a reply with its metrics, or a refusal. */
type ColumnResult = { ok: true; content: string; metrics: string } | { ok: false; error: HttpError };

const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-accel-buffering": "no" };

/** The error a gateway stream's error event stands for (its code, in OpenAI's shape). */
function streamError(error: { code?: unknown; message?: unknown }): HttpError {
  const code = error.code === "upstream_timeout" ? "upstream_timeout" : error.code === "service_unavailable" ? "unavailable" : "upstream_failed";
  return new HttpError(code, String(error.message ?? ""));
}

/**
 * The gateway's OpenAI stream as the page's events: `{content}`, then `{done, metrics, text}` once the call is
 * recorded, or `{error}` in the page's language. Cancelling it (the stop button) cancels the gateway's stream.
 */
function consoleEvents(t: Translate, started: Started): Response {
  const reader = started.response.body!.getReader();
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  const sse = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;
  let buffer = "";
  const eventOf = async (data: string): Promise<string> => {
    if (data === "[DONE]") {
      // The gateway sends [DONE] after the call is settled, so its outcome is known.
      const metrics = metricsOf(await started.outcome, performance.now() - started.startedAt);
      return sse({ done: true, metrics, text: metricsText(t, metrics) });
    }
    let parsed: { error?: { code?: unknown; message?: unknown }; choices?: Array<{ delta?: { content?: unknown } }> };
    try {
      parsed = JSON.parse(data);
    } catch {
      return "";
    }
    if (parsed.error) return sse({ error: errorText(t, streamError(parsed.error)) });
    const content = parsed.choices?.[0]?.delta?.content;
    return typeof content === "string" && content ? sse({ content }) : "";
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      // Reads until there is something to send: a pull that enqueues nothing would not be called again.
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) return controller.close();
        buffer += decoder.decode(chunk.value, { stream: true });
        let out = "";
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          for (const line of block.split("\n")) if (line.startsWith("data: ")) out += await eventOf(line.slice(6));
        }
        if (out) return controller.enqueue(encoder.encode(out));
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return new Response(body, { headers: SSE_HEADERS });
}

/** The playground and API reference pages. */
export function playgroundPages(deps: ConsoleDeps) {
  const { database: { db }, config } = deps;

  /** Only a plain host name makes it into examples; anything else reads as localhost. */
  const baseUrlOf = (request: Request) => config.publicOrigin ?? `http://${plainHost(request) ?? `localhost:${config.port}`}`;

  async function pageProps(page: PageContext, user: User) {
    const keys = (await listApiKeys(db, user.id)).filter((k) => k.isActive && !isExpired(k));
    return { ctx: page, keys: keys.map((k) => ({ id: k.id, name: k.name, prefix: k.keyPrefix })), models: config.models.map((m) => ({ id: m.id, name: m.name })) };
  }

  /** Column `column`'s call, through the developer API's path and input rules, charged to the chosen key. */
  async function startPlayground(user: User, form: PlaygroundForm, column: number, options: { stream: boolean; signal: AbortSignal }): Promise<Started> {
    // A key id outside the column's range is no key (not a database error).
    const verdict = Number.isInteger(form.keyId) && form.keyId > 0 && form.keyId <= 2_147_483_647 ? await verifyOwnedKey(db, user.id, form.keyId) : { valid: false as const };
    if (!verdict.valid) throw new HttpError("invalid_api_key", "Invalid or expired API key", { param: "key_id" });
    const call = startCall(verdict.key, "/playground");
    const outcome = Promise.withResolvers<CallOutcome>();
    const body = requestBody(form, column, { stream: options.stream });
    const response = await runCall(deps, call, () => observePlan(completionPlan(deps, call, body, options.signal), outcome.resolve));
    return { response, outcome: outcome.promise, startedAt: call.startedAt };
  }

  async function columnReply(page: PageContext, user: User, form: PlaygroundForm, column: number, signal: AbortSignal): Promise<ColumnResult> {
    try {
      const started = await startPlayground(user, form, column, { stream: false, signal });
      const json = (await started.response.json()) as { choices?: Array<{ message?: { content?: unknown } }> };
      const content = (json.choices ?? []).map((c) => (typeof c.message?.content === "string" ? c.message.content : "")).join("");
      return { ok: true, content, metrics: metricsText(page.t, metricsOf(await started.outcome, performance.now() - started.startedAt)) };
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      return { ok: false, error };
    }
  }

  /** The page's columns after this turn: each column's conversation, its new reply or its refusal. */
  function columnsAfter(page: PageContext, form: PlaygroundForm, results: ColumnResult[]): PlaygroundColumn[] {
    return form.models.map((model, i) => {
      const past = form.histories[i] ?? [];
      const result = results[i];
      // A refused parameter is said next to its field (fieldErrors), not again in the column.
      if (!result?.ok) return { model, turns: past, history: past, error: result ? fieldErrors(page.t, result.error).form : undefined };
      const history: Turn[] = [...past, { role: "user", content: form.message }, { role: "assistant", content: result.content }];
      return { model, turns: history, history, lastMetrics: result.metrics };
    });
  }

  /** The form as the page shows it again. */
  const valuesOf = (form: PlaygroundForm, keepMessage: boolean) => ({
    keyId: form.keyId, model: form.models[0] ?? "", modelB: form.models[1] ?? "", system: form.system, temperature: form.temperature, maxTokens: form.maxTokens, stop: form.stop, message: keepMessage ? form.message : "",
  });

  /**
   * The snippets of the call column 0 would make with the message being typed; with none, of the last call it made
   * (the conversation before its last reply); a sample message when there is nothing at all.
   */
  function snippetsOf(form: PlaygroundForm, baseUrl: string, t: Translate) {
    const past = form.histories[0] ?? [];
    const [asked, answered] = past.slice(-2);
    const lastCall = !form.message.trim() && asked?.role === "user" && answered?.role === "assistant";
    const shown = lastCall ? { ...form, message: asked.content, histories: [past.slice(0, -2)] } : form;
    const body = requestBody(shown, 0, { stream: true });
    const messages = body.messages as Array<{ role: string }>;
    if (!messages.some((m) => m.role === "user")) messages.push({ role: "user", content: t("playground.sampleMessage") } as never);
    return codeSnippets(body, baseUrl);
  }

  return new Elysia()
    .use(consoleSession(deps))
    .onBeforeHandle(requireUser)
    .get("/dashboard/playground", async ({ page, user, html, request }) => {
      const empty = playgroundForm({ model: config.models[0]?.id ?? "" });
      return html(PlaygroundPage({ ...(await pageProps(page, user!)), values: valuesOf(empty, true), columns: [{ model: empty.models[0]!, turns: [], history: [] }], code: snippetsOf(empty, baseUrlOf(request), page.t) }));
    })
    // Without JavaScript: every column's reply at once (compare runs both calls in parallel), the page again with the
    // conversation carried in hidden fields.
    .post("/dashboard/playground", async ({ page, user, body, request, html, set }) => {
      const props = await pageProps(page, user!);
      const refused = (form: PlaygroundForm, error: HttpError) => {
        set.status = error.status;
        return html(PlaygroundPage({ ...props, values: valuesOf(form, true), columns: columnsAfter(page, form, []), errors: fieldErrors(page.t, error), code: snippetsOf(form, baseUrlOf(request), page.t) }));
      };
      let form: PlaygroundForm;
      try {
        form = playgroundForm(body);
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        // A conversation that cannot be read is dropped; the rest of the form is kept.
        return refused(playgroundForm({ ...(body as object), history: "", history_b: "" }), error);
      }
      try {
        assertSendable(form);
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        return refused(form, error);
      }
      const results = await Promise.all(form.models.map((_, i) => columnReply(page, user!, form, i, request.signal)));
      const failed = results.filter((r) => !r.ok);
      // One status for the page: the refusal's when every column was refused.
      if (failed.length === results.length) set.status = failed[0]!.error.status;
      const refusedInput = failed.find((r) => r.error.code === "validation");
      return html(PlaygroundPage({
        ...props,
        values: valuesOf(form, failed.length > 0),
        columns: columnsAfter(page, form, results),
        errors: refusedInput ? fieldErrors(page.t, refusedInput.error) : undefined,
        code: snippetsOf(form, baseUrlOf(request), page.t),
      }));
    })
    // With JavaScript: one column's reply as the page's events (see consoleEvents); a refusal as plain text for its alert.
    .post("/dashboard/playground/stream", async ({ page, user, body, request }) => {
      try {
        const form = playgroundForm(body);
        assertSendable(form);
        return consoleEvents(page.t, await startPlayground(user!, form, 0, { stream: true, signal: request.signal }));
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        return new Response(errorText(page.t, error), { status: error.status, headers: { "content-type": "text/plain; charset=utf-8", ...(error.param ? { "x-field": error.param } : {}) } });
      }
    })
    // "View code" with JavaScript: the snippets of the conversation as it stands (no call is made).
    .post("/dashboard/playground/code", ({ page, body, request, html, set }) => {
      try {
        return html(PlaygroundCode({ ctx: page, code: snippetsOf(playgroundForm(body), baseUrlOf(request), page.t) }));
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        set.status = error.status;
        return html(PlaygroundCode({ ctx: page, code: snippetsOf(playgroundForm({ ...(body as object), history: "", history_b: "" }), baseUrlOf(request), page.t) }));
      }
    })
    .get("/reference", ({ page, request, html }) => html(ReferencePage({ ctx: page, baseUrl: baseUrlOf(request), models: config.models.map((m) => m.id) })));
}

/** A refusal as the form shows it: next to its field when it names one the form has, else above the form. */
function fieldErrors(t: Translate, error: HttpError): { form?: string; fields?: Record<string, string> } {
  const field = error.param?.split(/[.[]/)[0] ?? "";
  const text = errorText(t, error);
  return ["temperature", "max_tokens", "stop", "message", "system"].includes(field) ? { fields: { [field]: text } } : { form: text };
}
