// The offline demo model: a locally generated reply in OpenAI's wire format, so it takes the same path as an upstream.

const encoder = new TextEncoder();

/** Han characters (CJK ideographs): a prompt with any is answered in Chinese. */
const HAN = /[\u3400-\u9fff\uf900-\ufaff]/;

/**
 * The demo's reply to `prompt`: says what it is and how to reach a real model, in the prompt's language as a real model
 * would (Chinese when the prompt has Chinese characters, else English). The prompt decides rather than Accept-Language:
 * SDK calls carry no language header, and the playground and the API then answer alike.
 */
export function demoReply(prompt: string): string {
  const echo = prompt.length > 200 ? `${prompt.slice(0, 200)}…` : prompt;
  if (HAN.test(prompt)) {
    return `这是 AI Hub 的离线演示模型：当前没有配置上游服务，这条回复由本地生成。你说的是：“${echo}”。` +
      `设置 OPENROUTER_API_KEY 或 UPSTREAM_BASE_URL 即可连接真实模型。`;
  }
  return `This is AI Hub's offline demo model: no upstream is configured, so this reply is generated locally. ` +
    `You said: "${echo}". Set OPENROUTER_API_KEY or UPSTREAM_BASE_URL to talk to a real model.`;
}

/** Splits text into word-sized pieces, as a model would stream it: words, or one or two CJK characters at a time. */
export function demoChunks(text: string): string[] {
  return text.match(/\s*(?:[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef“”]{1,2}|[^\s\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef“”]+)/g) ?? [text];
}

/** A Response shaped like an OpenAI chat completion (JSON, or SSE when `stream`), without usage. */
export function demoResponse(body: { model: string; stream: boolean; prompt: string }, options: { chunkDelayMs: number; signal?: AbortSignal }): Response {
  const text = demoReply(body.prompt);
  const id = `chatcmpl-demo-${crypto.randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  if (!body.stream) {
    return Response.json({
      id,
      object: "chat.completion",
      created,
      model: body.model,
      choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
    });
  }
  const pieces = demoChunks(text);
  const event = (delta: Record<string, unknown>, finish: string | null = null) =>
    encoder.encode(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
  let i = -1;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (options.signal?.aborted) return controller.close();
      if (i === -1) controller.enqueue(event({ role: "assistant", content: "" }));
      else if (i < pieces.length) {
        if (options.chunkDelayMs > 0) await Bun.sleep(options.chunkDelayMs);
        controller.enqueue(event({ content: pieces[i] }));
      } else if (i === pieces.length) controller.enqueue(event({}, "stop"));
      else {
        controller.enqueue(encoder.encode("data: [DONE]\n\n"));
        controller.close();
      }
      i++;
    },
  });
  return new Response(stream, { headers: { "content-type": "text/event-stream" } });
}
