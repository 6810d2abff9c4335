// The official openai SDK works against the hub with only baseURL changed.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import OpenAI from "openai";
import { users } from "../db/schema/mod.ts";
import { createKey, createTestHub, registerUser, type TestHub } from "../testing/harness.ts";

describe("the official openai SDK", () => {
  let hub: TestHub;
  let baseURL: string;
  let key: string;

  beforeAll(async () => {
    hub = await createTestHub({ backend: "pglite", env: { DEMO_CHUNK_DELAY_MS: "0" } });
    hub.app.listen({ port: 0, hostname: "127.0.0.1" });
    baseURL = `http://127.0.0.1:${hub.app.server!.port}/v1`;
    const { token } = await registerUser(hub);
    key = (await createKey(hub, token)).key;
  }, 60_000);
  afterAll(async () => {
    await hub.app.stop();
    await hub.close();
  });

  test("chat.completions.create, non-stream, against the demo model", async () => {
    const client = new OpenAI({ apiKey: key, baseURL });
    const completion = await client.chat.completions.create({ model: "demo", messages: [{ role: "user", content: "Hello SDK" }] });
    expect(completion.choices[0]!.message.content).toContain("Hello SDK");
    expect(completion.usage!.total_tokens).toBeGreaterThan(0);
  });

  test("chat.completions.create, stream, with usage", async () => {
    const client = new OpenAI({ apiKey: key, baseURL });
    const stream = await client.chat.completions.create({ model: "demo", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "stream it" }] });
    let text = "";
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? "";
      usage ??= chunk.usage;
    }
    expect(text).toContain("stream it");
    expect(usage!.completion_tokens).toBeGreaterThan(0);
  });

  test("embeddings.create against the demo model: base64 (the SDK's default) and float vectors, usage recorded", async () => {
    const client = new OpenAI({ apiKey: key, baseURL });
    const result = await client.embeddings.create({ model: "demo", input: ["first text", "second text"] });
    expect(result.data.map((d) => d.index)).toEqual([0, 1]);
    expect(result.data[0]!.embedding).toHaveLength(256);
    expect(Math.hypot(...result.data[0]!.embedding)).toBeCloseTo(1, 4);
    expect(result.usage.prompt_tokens).toBeGreaterThan(0);
    const floats = await client.embeddings.create({ model: "demo", input: "first text", encoding_format: "float", dimensions: 8 });
    expect(floats.data[0]!.embedding).toHaveLength(8);
  });

  test("responses.create and responses.stream against the demo model", async () => {
    const client = new OpenAI({ apiKey: key, baseURL });
    const response = await client.responses.create({ model: "demo", input: "Hello Responses" });
    expect(response.output_text).toContain("Hello Responses");
    expect(response.usage!.output_tokens).toBeGreaterThan(0);
    const stream = client.responses.stream({ model: "demo", input: "stream Responses" });
    let text = "";
    for await (const event of stream) if (event.type === "response.output_text.delta") text += event.delta;
    const final = await stream.finalResponse();
    expect(text).toContain("stream Responses");
    expect(final.output_text).toBe(text);
    expect(final.usage!.input_tokens).toBeGreaterThan(0);
    const created = await client.responses.create({ model: "demo", input: "streamed create", stream: true });
    const types: string[] = [];
    for await (const event of created) types.push(event.type);
    expect(types.at(-1)).toBe("response.completed");
  });

  test("models.list", async () => {
    const client = new OpenAI({ apiKey: key, baseURL });
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    expect(models).toEqual(["demo"]);
  });

  test("models.retrieve answers the listed model, and NotFoundError for an unknown one", async () => {
    const client = new OpenAI({ apiKey: key, baseURL, maxRetries: 0 });
    const model = await client.models.retrieve("demo");
    expect(model).toMatchObject({ id: "demo", object: "model", owned_by: "AI Hub" });
    expect(model.created).toBeGreaterThan(0);
    const error = await client.models.retrieve("gpt-404").catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error.code).toBe("model_not_found");
  });

  test("401 surfaces as AuthenticationError with the hub's message", async () => {
    const client = new OpenAI({ apiKey: "ai-hub-" + "0".repeat(43), baseURL, maxRetries: 0 });
    const error = await client.chat.completions.create({ model: "demo", messages: [{ role: "user", content: "x" }] }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error.status).toBe(401);
    expect(error.message).toContain("Invalid or expired API key");
    expect(error.code).toBe("invalid_api_key");
  });

  test("429 surfaces as RateLimitError with the hub's message", async () => {
    const { token } = await registerUser(hub);
    const limited = (await createKey(hub, token, { rate_limit: 1 })).key;
    const client = new OpenAI({ apiKey: limited, baseURL, maxRetries: 0 });
    await client.chat.completions.create({ model: "demo", messages: [{ role: "user", content: "x" }] });
    const error = await client.chat.completions.create({ model: "demo", messages: [{ role: "user", content: "x" }] }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.message).toContain("Rate limit exceeded. Maximum 1 requests per minute.");
    expect(Number(error.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });

  test("402 surfaces as an APIError with status 402 and code insufficient_quota", async () => {
    const { token, user } = await registerUser(hub);
    await hub.runtime.deps.database.db.update(users).set({ monthlyQuota: 1 }).where(eq(users.id, user.id));
    const k = (await createKey(hub, token)).key;
    const client = new OpenAI({ apiKey: k, baseURL, maxRetries: 0 });
    await client.chat.completions.create({ model: "demo", messages: [{ role: "user", content: "x" }] });
    const error = await client.chat.completions.create({ model: "demo", messages: [{ role: "user", content: "x" }] }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.status).toBe(402);
    expect(error.code).toBe("insufficient_quota");
    expect(error.message).toContain("Quota exceeded. Used 1/1 requests this month.");
  });

  test("an unknown model surfaces as NotFoundError", async () => {
    const client = new OpenAI({ apiKey: key, baseURL, maxRetries: 0 });
    const error = await client.chat.completions.create({ model: "gpt-404", messages: [{ role: "user", content: "x" }] }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error.code).toBe("model_not_found");
  });
});
