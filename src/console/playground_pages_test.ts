// The playground's routes through app.handle with a real upstream on loopback: the no-JavaScript form carrying the
// conversation in hidden fields, compare, refusals as alerts in the page's language, the stream route and "view code".
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { usageRecords } from "../db/schema/mod.ts";
import { Visitor } from "../testing/console_visitor.ts";
import { type FakeUpstream, startFakeUpstream } from "../testing/fake_upstream.ts";
import { createTestHub, type TestHub } from "../testing/harness.ts";
import { readSse } from "../testing/sse.ts";
import { type Lang, LANG_COOKIE } from "./i18n.ts";
import { codeSnippets, playgroundForm, requestBody } from "./playground.ts";

let hub: TestHub;
let upstream: FakeUpstream;
let visitorCount = 0;

beforeAll(async () => {
  upstream = startFakeUpstream();
  hub = await createTestHub({
    backend: "postgres",
    redis: true,
    env: { UPSTREAM_BASE_URL: upstream.url, UPSTREAM_MODELS: "fake-model,other-model", UPSTREAM_NAME: "fakeprov", UPSTREAM_INPUT_PRICE: "1", UPSTREAM_OUTPUT_PRICE: "2", UPSTREAM_TIMEOUT_MS: "2000" },
  });
}, 60_000);
afterAll(async () => {
  await hub.close();
  await upstream.stop();
});

/** The text of an HTML attribute or element as the browser reads it. */
const unescape = (html: string) => html.replaceAll("&quot;", '"').replaceAll("&#34;", '"').replaceAll("&#39;", "'").replaceAll("&#x27;", "'").replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");

/** A signed-in visitor reading the console in `lang`, with one key, on the playground page. */
async function playgroundVisitor(lang: Lang = "en"): Promise<{ visitor: Visitor; keyId: string }> {
  const visitor = new Visitor(hub, `203.0.113.${visitorCount++ % 250}`);
  visitor.cookies.set(LANG_COOKIE, lang);
  expect((await visitor.register(`pg-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`)).status).toBe(303);
  await visitor.open("/dashboard/api-keys");
  await visitor.post("/dashboard/api-keys", { name: "playground key" });
  const keyId = /api-keys\/(\d+)\/revoke/.exec(await visitor.open("/dashboard/api-keys"))?.[1];
  expect(keyId).toBeDefined();
  await visitor.open("/dashboard/playground");
  return { visitor, keyId: keyId! };
}

function hiddenHistory(html: string, name = "history"): string {
  const value = new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
  expect(value).toBeDefined();
  return unescape(value!);
}

/** The requests the upstream received since `from`. */
const sentSince = (from: number) => upstream.requests.slice(from).map((r) => r.body);

describe("the playground without JavaScript", () => {
  test("a second turn sends the first turn, the system prompt and the parameters; each reply shows its metrics", async () => {
    const { visitor, keyId } = await playgroundVisitor();
    const from = upstream.requests.length;
    const params = { key_id: keyId, model: "fake-model", model_b: "", system: "Answer in one line.", temperature: "0.3", max_tokens: "50", stop: "END\nSTOP" };
    const first = await visitor.post("/dashboard/playground", { ...params, message: "first question", history: "[]" });
    expect(first.status).toBe(200);
    const firstHtml = await first.text();
    expect(firstHtml).toContain("first question");
    expect(firstHtml).toContain("Hello from the fake upstream.");
    expect(firstHtml).toMatch(/class="pg-metrics[^"]*"[^>]*>\d+ in \/ 6 out tokens · cost \$0\.\d{6} · \d+ ms \(first byte \d+ ms\) · deployment fakeprov/);
    const history = hiddenHistory(firstHtml);
    expect(JSON.parse(history)).toEqual([{ role: "user", content: "first question" }, { role: "assistant", content: "Hello from the fake upstream." }]);
    // The message box is emptied after a reply.
    expect(firstHtml).toMatch(/<textarea id="pg-message"[^>]*><\/textarea>/);

    const second = await visitor.post("/dashboard/playground", { ...params, message: "second question", history });
    expect(second.status).toBe(200);
    const secondHtml = await second.text();
    expect(secondHtml.match(/class="pg-turn pg-assistant"/g)).toHaveLength(2);
    const sent = sentSince(from);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatchObject({
      model: "fake-model",
      temperature: 0.3,
      max_tokens: 50,
      stop: ["END", "STOP"],
      messages: [
        { role: "system", content: "Answer in one line." },
        { role: "user", content: "first question" },
        { role: "assistant", content: "Hello from the fake upstream." },
        { role: "user", content: "second question" },
      ],
    });
  });

  test("compare sends the message to two models and shows both answers", async () => {
    const { visitor, keyId } = await playgroundVisitor();
    const from = upstream.requests.length;
    const response = await visitor.post("/dashboard/playground", { key_id: keyId, model: "fake-model", model_b: "other-model", message: "compare us", history: "[]", history_b: "[]" });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html.match(/class="pg-turn pg-assistant"/g)).toHaveLength(2);
    expect(html.match(/class="pg-metrics/g)).toHaveLength(2);
    expect(sentSince(from).map((b) => b.model).sort()).toEqual(["fake-model", "other-model"]);
    expect(JSON.parse(hiddenHistory(html, "history_b"))).toHaveLength(2);
  });

  for (const [lang, words] of [["zh-CN", { temperature: "温度需为 0 到 2 之间的数字", maxTokens: "最大 Tokens 需为 1 到 1,000,000 之间的整数", upstream: "上游模型服务出错", message: "请输入消息内容" }], ["en", { temperature: "The temperature must be a number from 0 to 2.", maxTokens: "Max tokens must be a whole number from 1 to 1,000,000.", upstream: "The upstream model service failed.", message: "Enter a message" }]] as const) {
    test(`bad temperature and max tokens are refused by the API's schema, in ${lang}, next to their fields`, async () => {
      const { visitor, keyId } = await playgroundVisitor(lang);
      const from = upstream.requests.length;
      const hot = await visitor.post("/dashboard/playground", { key_id: keyId, model: "fake-model", temperature: "3", message: "too hot", history: "[]" });
      expect(hot.status).toBe(422);
      const hotHtml = await hot.text();
      expect(hotHtml).toMatch(new RegExp(`id="pg-temperature-error" role="alert">${words.temperature}`));
      expect(hotHtml).toContain('id="pg-temperature" name="temperature" type="text" inputmode="decimal" value="3"');
      const words_ = await visitor.post("/dashboard/playground", { key_id: keyId, model: "fake-model", max_tokens: "lots", message: "long", history: "[]" });
      expect(words_.status).toBe(422);
      expect(await words_.text()).toContain(words.maxTokens);
      expect(sentSince(from)).toHaveLength(0);
    });

    test(`an upstream failure shows as an alert in ${lang}, not as the model's answer, and the conversation is kept`, async () => {
      const { visitor, keyId } = await playgroundVisitor(lang);
      const history = JSON.stringify([{ role: "user", content: "earlier" }, { role: "assistant", content: "earlier answer" }]);
      const failed = await visitor.post("/dashboard/playground", { key_id: keyId, model: "fake-model", message: "!status:503", history });
      expect(failed.status).toBe(502);
      const html = await failed.text();
      expect(html).toMatch(new RegExp(`<p class="alert pg-alert" role="alert">${words.upstream}`));
      expect(html.match(/class="pg-turn pg-assistant"/g)).toHaveLength(1);
      expect(html).not.toContain("fake failure");
      expect(JSON.parse(hiddenHistory(html))).toEqual(JSON.parse(history));
      // The message stays in the box to send again.
      expect(html).toMatch(/<textarea id="pg-message"[^>]*>!status:503<\/textarea>/);
      const blank = await visitor.post("/dashboard/playground", { key_id: keyId, model: "fake-model", message: "  ", history });
      expect(blank.status).toBe(422);
      const blankHtml = await blank.text();
      expect(blankHtml).toContain(words.message);
      expect(JSON.parse(hiddenHistory(blankHtml))).toEqual(JSON.parse(history));
    });
  }

  test("a key that is not the visitor's (or no key id at all) is refused as an alert, not a server error", async () => {
    const { visitor } = await playgroundVisitor();
    for (const keyId of ["999999999", "99999999999999", "-1", "x"]) {
      const refused = await visitor.post("/dashboard/playground", { key_id: keyId, model: "fake-model", message: "whose key?", history: "[]" });
      expect(refused.status).toBe(401);
      expect(await refused.text()).toContain("The chosen key is invalid or expired. Choose another key.");
    }
  });

  test("the call is metered and recorded like an API call with the chosen key", async () => {
    const { visitor, keyId } = await playgroundVisitor();
    await visitor.post("/dashboard/playground", { key_id: keyId, model: "fake-model", message: "record me", history: "[]" });
    await hub.runtime.flushUsage();
    const records = await hub.runtime.deps.database.db.select().from(usageRecords).where(eq(usageRecords.apiKeyId, Number(keyId)));
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ endpoint: "/playground", model: "fake-model", upstream: "fakeprov", status: 200, outcome: "ok" });
  });
});

describe("the playground with JavaScript (its stream and code routes)", () => {
  test("the stream route sends content, then the metrics once the call is recorded", async () => {
    const { visitor, keyId } = await playgroundVisitor("zh-CN");
    const response = await visitor.post("/dashboard/playground/stream", { key_id: keyId, model: "fake-model", message: "stream me", history: "[]" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const events = (await readSse(response)).map((e) => e.data).filter((e) => e !== "[DONE]").map((e) => JSON.parse(e) as { content?: string; done?: boolean; text?: string; metrics?: { deployment: string; completionTokens: number } });
    expect(events.map((e) => e.content ?? "").join("")).toBe("Hello from the fake upstream.");
    const done = events.at(-1)!;
    expect(done.done).toBe(true);
    expect(done.metrics).toMatchObject({ model: "fake-model", deployment: "fakeprov / fake-model", promptTokens: 10, completionTokens: 6, estimated: false, cost: 0.000022 });
    expect(done.text).toMatch(/^输入 \d+ \/ 输出 6 Tokens · 费用 \$0\.\d{6} · 耗时 \d+ ms（首字节 \d+ ms）· 部署 fakeprov \/ fake-model$/);
  });

  test("a refusal before the stream is plain text in the page's language; a failure mid-stream is an error event", async () => {
    const { visitor, keyId } = await playgroundVisitor("zh-CN");
    const cold = await visitor.post("/dashboard/playground/stream", { key_id: keyId, model: "fake-model", temperature: "-1", message: "cold", history: "[]" });
    expect(cold.status).toBe(422);
    expect(await cold.text()).toBe("温度需为 0 到 2 之间的数字。");
    const broken = await visitor.post("/dashboard/playground/stream", { key_id: keyId, model: "fake-model", message: "!errorevent", history: "[]" });
    const events = (await readSse(broken)).map((e) => JSON.parse(e.data) as { content?: string; error?: string });
    expect(events.at(-1)).toEqual({ error: "上游模型服务出错，请稍后重试。" });
  });

  test("view code shows the same call in curl, Python and JavaScript, with the base URL and no secret", async () => {
    const { visitor, keyId } = await playgroundVisitor();
    const history = JSON.stringify([{ role: "user", content: "it's me" }, { role: "assistant", content: "hi" }]);
    const response = await visitor.post("/dashboard/playground/code", { key_id: keyId, model: "other-model", system: "Be brief.", temperature: "0.5", max_tokens: "64", stop: "", message: "next", history });
    expect(response.status).toBe(200);
    const html = unescape(await response.text());
    expect(html).toContain("curl http://localhost/v1/chat/completions -N");
    expect(html).toContain('base_url="http://localhost/v1", api_key=os.environ["AIHUB_API_KEY"]');
    expect(html).toContain('baseURL: "http://localhost/v1", apiKey: process.env.AIHUB_API_KEY');
    expect(html).toContain("temperature=0.5");
    expect(html).toContain("max_tokens: 64");
    expect(html).toContain(`"content": "it'\\''s me"`);
    expect(html).not.toMatch(/ai-hub-[A-Za-z0-9_-]{20,}/);
    // With nothing typed, the code is the last call made: the conversation up to its last question.
    const last = unescape(await (await visitor.post("/dashboard/playground/code", { key_id: keyId, model: "other-model", message: "", history })).text());
    const curl = /<pre class="code" id="pg-code-curl" data-lang="curl" tabindex="0">([\s\S]*?)<\/pre>/.exec(last)![1]!;
    expect(JSON.parse(curl.slice(curl.indexOf("-d '") + 4, -1).replaceAll("'\\''", "'")).messages).toEqual([{ role: "user", content: "it's me" }]);
  });
});

describe("codeSnippets()", () => {
  test("every snippet carries the model, messages and parameters of the body", () => {
    const form = playgroundForm({ model: "m1", system: "sys", temperature: "0.2", max_tokens: "10", stop: "A\nB", message: "hello", history: JSON.stringify([{ role: "user", content: "q" }, { role: "assistant", content: "a" }]) });
    const body = requestBody(form, 0, { stream: true });
    expect(body).toEqual({ model: "m1", messages: [{ role: "system", content: "sys" }, { role: "user", content: "q" }, { role: "assistant", content: "a" }, { role: "user", content: "hello" }], temperature: 0.2, max_tokens: 10, stop: ["A", "B"], stream: true });
    const code = codeSnippets(body, "https://hub.example");
    const curlJson = JSON.parse(code.curl.slice(code.curl.indexOf("-d '") + 4, -1));
    expect(curlJson).toEqual(body);
    expect(code.python).toContain('stop=["A","B"]');
    expect(code.python).toContain("stream=True");
    expect(code.javascript).toContain('stop: ["A","B"]');
    for (const snippet of Object.values(code)) expect(snippet).toContain('"hello"');
  });
});
