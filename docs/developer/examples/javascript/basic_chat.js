// AI Hub with the official `openai` npm package: only the base URL changes.
//
//   AIHUB_API_KEY=ai-hub-... node basic_chat.js      (or: bun basic_chat.js)
//
// Reads AIHUB_BASE_URL (default http://localhost:3000), AIHUB_API_KEY and, optionally,
// AIHUB_MODEL (default: the first model GET /v1/models lists). Exits 1 on any error.
import OpenAI from "openai";

const baseURL = `${(process.env.AIHUB_BASE_URL ?? "http://localhost:3000").replace(/\/+$/, "")}/v1`;
const apiKey = process.env.AIHUB_API_KEY;
if (!apiKey) {
  console.error("Set AIHUB_API_KEY to an AI Hub API key (ai-hub-...).");
  process.exit(1);
}

// The SDK retries 429 and 5xx responses itself (maxRetries, default 2), honouring Retry-After.
const client = new OpenAI({ apiKey, baseURL });

try {
  let model = process.env.AIHUB_MODEL;
  if (!model) {
    const models = await client.models.list();
    model = models.data[0]?.id;
    if (!model) throw new Error("The hub lists no models.");
  }

  // 1. A plain completion.
  const completion = await client.chat.completions.create({
    model,
    messages: [{ role: "user", content: "Say hello in one sentence." }],
  });
  console.log(completion.choices[0]?.message.content);
  console.log(`model=${completion.model} tokens=${completion.usage?.total_tokens}\n`);

  // 2. A streamed completion, printed as the deltas arrive.
  const stream = await client.chat.completions.create({
    model,
    messages: [{ role: "user", content: "Tell me a short story." }],
    stream: true,
    stream_options: { include_usage: true },
  });
  for await (const chunk of stream) {
    const text = chunk.choices[0]?.delta?.content;
    if (text) process.stdout.write(text);
    if (chunk.usage) console.log(`\ntokens=${chunk.usage.total_tokens}`);
  }
} catch (error) {
  if (error instanceof OpenAI.APIError) {
    // error.status, error.code ("invalid_api_key", "rate_limit_exceeded", ...) and error.message come from the hub.
    console.error(`HTTP ${error.status ?? "-"} ${error.code ?? ""}: ${error.message}`);
  } else {
    console.error(error instanceof Error ? error.message : error);
  }
  process.exit(1);
}
