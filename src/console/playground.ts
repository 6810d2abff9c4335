// The playground's form as data: the conversation and parameters it posts, the OpenAI request each column makes,
// the same call as curl/Python/JavaScript, and one reply's metrics in words. No HTTP here.
import { t } from "elysia";
import { HttpError, parsePayload } from "../http/mod.ts";
import type { CallOutcome } from "../gateway/mod.ts";
import type { Translate } from "./i18n.ts";

/** A turn of a conversation the page keeps (the system prompt is apart). */
export interface Turn {
  role: "user" | "assistant";
  content: string;
}

const MAX_TEXT = 200_000;
const history = t.Array(t.Object({ role: t.UnionEnum(["user", "assistant"]), content: t.String({ maxLength: MAX_TEXT }) }), { maxItems: 200 });

/** What the playground form posts: the key, one model (or two to compare), the parameters as typed, a message, each column's past turns. */
export interface PlaygroundForm {
  keyId: number;
  models: string[];
  system: string;
  temperature: string;
  maxTokens: string;
  stop: string;
  message: string;
  histories: Turn[][];
}

function text(form: Record<string, unknown>, name: string): string {
  const value = form[name];
  return typeof value === "string" ? value : "";
}

function historyOf(raw: string): Turn[] {
  if (raw.trim() === "") return [];
  try {
    return parsePayload(history, JSON.parse(raw)) as Turn[];
  } catch {
    throw new HttpError("validation", "Invalid field 'messages': the conversation could not be read", { param: "messages" });
  }
}

/** Reads the posted form (fields as the page names them); a second model opens the compare column. */
export function playgroundForm(body: unknown): PlaygroundForm {
  const form = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const models = [text(form, "model"), text(form, "model_b")].filter((m, i) => i === 0 || m !== "");
  return {
    keyId: Number(text(form, "key_id")),
    models,
    system: text(form, "system"),
    temperature: text(form, "temperature").trim(),
    maxTokens: text(form, "max_tokens").trim(),
    stop: text(form, "stop"),
    message: text(form, "message"),
    histories: models.map((_, i) => historyOf(text(form, i === 0 ? "history" : "history_b"))),
  };
}

/** A typed number as the API's schema should judge it: the number when it is one, else the text (which it refuses). */
function numberOrText(raw: string): number | string {
  const value = Number(raw);
  return Number.isFinite(value) ? value : raw;
}

/** The messages column `column` sends: the system prompt, its past turns, then the new message (when there is one). */
export function messagesOf(form: PlaygroundForm, column: number): Array<{ role: string; content: string }> {
  return [
    ...(form.system.trim() ? [{ role: "system", content: form.system }] : []),
    ...(form.histories[column] ?? []),
    ...(form.message.trim() ? [{ role: "user", content: form.message }] : []),
  ];
}

/** The OpenAI chat-completions body of column `column` (parameters left blank are not sent). */
export function requestBody(form: PlaygroundForm, column: number, options: { stream: boolean }): Record<string, unknown> {
  const body: Record<string, unknown> = { model: form.models[column] ?? "", messages: messagesOf(form, column) };
  if (form.temperature !== "") body.temperature = numberOrText(form.temperature);
  if (form.maxTokens !== "") body.max_tokens = numberOrText(form.maxTokens);
  const stops = form.stop.split(/\r?\n/).filter((s) => s !== "");
  if (stops.length) body.stop = stops;
  if (options.stream) body.stream = true;
  return body;
}

/** Refuses a form with nothing to send, before any call is made. */
export function assertSendable(form: PlaygroundForm): void {
  if (!form.message.trim() || form.message.length > MAX_TEXT) throw new HttpError("validation", "Invalid field 'message': must be 1–200,000 characters", { param: "message" });
  if (!form.models[0]) throw new HttpError("validation", "Missing field 'model'", { param: "model" });
}

/** A JSON array with one element per line (a message per line) under a line indented by `prefix`; valid JSON, Python and JavaScript. */
function listLiteral(items: unknown, prefix: string, step = "  "): string {
  const list = Array.isArray(items) ? items : [];
  if (list.length === 0) return "[]";
  return `[\n${list.map((item) => `${prefix}${step}${JSON.stringify(item).replace(/^\{"role":(".*?"),"content":/, "{\"role\": $1, \"content\": ")}`).join(",\n")}\n${prefix}]`;
}

/** The same call in curl, Python and JavaScript (OpenAI's SDKs), with the hub's base URL and the key left in the environment. */
export function codeSnippets(body: Record<string, unknown>, baseUrl: string): { curl: string; python: string; javascript: string } {
  const { model, messages, ...params } = body;
  const json = `{\n${Object.entries(body).map(([k, v]) => `  ${JSON.stringify(k)}: ${k === "messages" ? listLiteral(v, "  ") : JSON.stringify(v)}`).join(",\n")}\n}`;
  const curl = [
    `curl ${baseUrl}/v1/chat/completions${body.stream ? " -N" : ""} \\`,
    `  -H "Authorization: Bearer $AIHUB_API_KEY" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '${json.replaceAll("'", "'\\''")}'`,
  ].join("\n");
  // JSON's strings and numbers read the same in Python; its true/false only come from `stream`, written by hand.
  const pyArgs = [`model=${JSON.stringify(model)}`, `messages=${listLiteral(messages, "    ", "    ")}`, ...Object.entries(params).map(([k, v]) => `${k}=${k === "stream" ? (v ? "True" : "False") : JSON.stringify(v)}`)];
  const python = [
    "import os",
    "from openai import OpenAI",
    "",
    `client = OpenAI(base_url=${JSON.stringify(`${baseUrl}/v1`)}, api_key=os.environ["AIHUB_API_KEY"])`,
    "",
    `${body.stream ? "stream" : "reply"} = client.chat.completions.create(`,
    ...pyArgs.map((a) => `    ${a},`),
    ")",
    ...(body.stream
      ? ["for chunk in stream:", "    if chunk.choices:", "        print(chunk.choices[0].delta.content or \"\", end=\"\", flush=True)", "print()"]
      : ["print(reply.choices[0].message.content)"]),
  ].join("\n");
  const jsArgs = [`model: ${JSON.stringify(model)}`, `messages: ${listLiteral(messages, "  ")}`, ...Object.entries(params).map(([k, v]) => `${k}: ${JSON.stringify(v)}`)];
  const javascript = [
    `import OpenAI from "openai";`,
    "",
    `const client = new OpenAI({ baseURL: ${JSON.stringify(`${baseUrl}/v1`)}, apiKey: process.env.AIHUB_API_KEY });`,
    "",
    `const ${body.stream ? "stream" : "reply"} = await client.chat.completions.create({`,
    ...jsArgs.map((a) => `  ${a},`),
    "});",
    ...(body.stream
      ? ["for await (const chunk of stream) {", "  process.stdout.write(chunk.choices[0]?.delta?.content ?? \"\");", "}"]
      : ["console.log(reply.choices[0].message.content);"]),
  ].join("\n");
  return { curl, python, javascript };
}

/** One reply's numbers, as the page shows them under it and the request log records them. */
export interface ReplyMetrics {
  model: string;
  deployment: string;
  promptTokens: number;
  completionTokens: number;
  estimated: boolean;
  cost: number;
  latencyMs: number;
  ttfbMs: number | null;
}

/** The metrics of a call that ended with `outcome`, `latencyMs` after it started. */
export function metricsOf(outcome: CallOutcome, latencyMs: number): ReplyMetrics {
  const deployment = outcome.upstream ? (outcome.upstreamModel && outcome.upstreamModel !== outcome.upstream ? `${outcome.upstream} / ${outcome.upstreamModel}` : outcome.upstream) : "—";
  return {
    model: outcome.model ?? "",
    deployment,
    promptTokens: outcome.promptTokens ?? 0,
    completionTokens: outcome.completionTokens ?? 0,
    estimated: outcome.tokensEstimated ?? false,
    cost: outcome.cost ?? 0,
    latencyMs: Math.round(latencyMs),
    ttfbMs: outcome.ttfbMs ?? null,
  };
}

/** The metrics line under a reply, in the page's language. */
export function metricsText(t: Translate, m: ReplyMetrics): string {
  return t("playground.metrics", {
    prompt: m.promptTokens,
    completion: m.completionTokens,
    estimated: m.estimated ? "*" : "",
    cost: `$${m.cost.toFixed(6)}`,
    latency: m.latencyMs,
    ttfb: m.ttfbMs ?? "—",
    deployment: m.deployment,
  });
}
