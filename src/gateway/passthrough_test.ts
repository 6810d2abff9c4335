// Embeddings and Responses through failover with the official SDK, and tool calls, tool results, images and
// unknown fields passed through chat untouched both ways, byte for byte.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { refusedUrl, type RoutingHub, openRoutingHub } from "../testing/fake_deployments.ts";
import { type FakeUpstream, startFakeUpstream } from "../testing/fake_upstream.ts";

describe("more of the OpenAI surface through deployments", () => {
  let b: FakeUpstream;
  let f: RoutingHub;
  let client: OpenAI;

  beforeAll(async () => {
    b = startFakeUpstream();
    f = await openRoutingHub({
      upstreams: [{ name: "a", base_url: refusedUrl() }, { name: "b", base_url: b.url }],
      models: [
        { id: "gpt-x", aliases: ["x"], input_price: 2, output_price: 4, deployments: [{ upstream: "a", priority: 1 }, { upstream: "b", upstream_model: "vendor/gpt-x", priority: 2 }] },
        { id: "tools", upstream: "b" },
      ],
      cooldown: { failures: 100, seconds: 1 },
    });
    f.hub.app.listen({ port: 0, hostname: "127.0.0.1" });
    client = new OpenAI({ apiKey: f.key, baseURL: `http://127.0.0.1:${f.hub.app.server!.port}/v1`, maxRetries: 0 });
  }, 60_000);
  afterAll(async () => {
    await f.hub.app.stop();
    await f.close();
    await b.stop();
  });

  test("embeddings.create fails over, is priced at the input price on prompt tokens, and is recorded", async () => {
    const result = await client.embeddings.create({ model: "x", input: ["one", "two"] });
    expect(result.model).toBe("gpt-x");
    expect(result.data).toHaveLength(2);
    expect(b.requests.at(-1)).toMatchObject({ path: "/v1/embeddings", body: { model: "vendor/gpt-x", encoding_format: "base64" } });
    const record = (await f.records()).find((r) => r.endpoint === "/v1/embeddings")!;
    expect(record).toMatchObject({ model: "gpt-x", upstream: "b", upstreamModel: "vendor/gpt-x", attempts: 2, status: 200, countsQuota: true, completionTokens: 0, tokensEstimated: false });
    expect(record.cost).toBeCloseTo((record.promptTokens * 2) / 1e6, 12);
  });

  test("responses.create and responses.stream fail over, with usage from response.completed", async () => {
    const response = await client.responses.create({ model: "gpt-x", input: "Hi there" });
    expect(response.model).toBe("gpt-x");
    expect(response.output_text).toContain("Hi there");
    const stream = client.responses.stream({ model: "gpt-x", input: "streamed" });
    let text = "";
    for await (const event of stream) if (event.type === "response.output_text.delta") text += event.delta;
    const final = await stream.finalResponse();
    expect(final.model).toBe("gpt-x");
    expect(final.output_text).toBe(text);
    const records = (await f.records()).filter((r) => r.endpoint === "/v1/responses");
    expect(records).toHaveLength(2);
    for (const record of records) {
      expect(record).toMatchObject({ upstream: "b", attempts: 2, status: 200, countsQuota: true, tokensEstimated: false });
      expect(record.promptTokens).toBeGreaterThan(0);
      expect(record.completionTokens).toBeGreaterThan(0);
    }
    expect(records.map((r) => r.stream).sort()).toEqual([false, true]);
  });

  test("models.retrieve resolves an alias as chat calls do, answering the canonical id", async () => {
    expect(await client.models.retrieve("x")).toMatchObject({ id: "gpt-x", object: "model", pricing: { input_per_million: 2, output_per_million: 4 } });
    expect((await client.models.retrieve("gpt-x")).id).toBe("gpt-x");
  });

  const toolRequest = {
    model: "tools",
    messages: [
      { role: "user", content: [{ type: "text", text: "What is in this picture, and the weather there?" }, { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" } }] },
      { role: "assistant", content: null, tool_calls: [{ id: "call_0", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Paris\"}" } }] },
      { role: "tool", tool_call_id: "call_0", content: "{\"temp\":21}" },
      { role: "user", content: "And now? !toolcall" },
    ],
    tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }],
    tool_choice: "auto",
    x_unknown_field: { nested: [1, "two", null] },
  };

  test("tool calls, tool results, images and unknown fields reach the upstream untouched, and its answer comes back byte for byte", async () => {
    const r = await f.post("/v1/chat/completions", toolRequest);
    expect(r.status).toBe(200);
    const text = await r.text();
    const sent = b.requests.at(-1)!.body;
    expect(JSON.stringify(sent)).toBe(JSON.stringify(toolRequest));
    const direct = await fetch(`${b.url}/chat/completions`, { method: "POST", body: JSON.stringify(toolRequest) });
    expect(text).toBe(await direct.text());
  });

  test("streamed tool-call deltas come back byte for byte", async () => {
    const body = { ...toolRequest, stream: true, stream_options: { include_usage: true } };
    const r = await f.post("/v1/chat/completions", body);
    const text = await r.text();
    const sent = b.requests.at(-1)!.body;
    expect(JSON.stringify(sent)).toBe(JSON.stringify(body));
    const direct = await fetch(`${b.url}/chat/completions`, { method: "POST", body: JSON.stringify(body) });
    expect(text).toBe(await direct.text());
    expect(text).toContain("\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":");
  });
});
