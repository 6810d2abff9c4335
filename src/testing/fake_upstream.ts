// A real OpenAI-compatible HTTP server on loopback for tests and benchmarks. The last user message
// picks its behaviour: "!status:503", "!hang", "!malformed", "!nousage", "!weirdusage", "!errorevent", "!delay:500" (ms
// before the second chunk), "!slow:1000" (stream spread over that many ms), "!toolcall" (answers with a tool call).
// It also answers /embeddings and /responses (the demo model's generators), and `intercept` may answer any request first.
import { demoEmbeddingsResponse } from "../chat/embeddings.ts";
import { demoResponsesResponse } from "../chat/responses.ts";

export interface FakeUpstream {
  url: string;
  port: number;
  /** Requests received, newest last (bodies parsed). */
  requests: Array<{ path: string; body: Record<string, unknown>; authorization: string | null }>;
  stop(): Promise<void>;
}

const WORDS = ["Hello", " from", " the", " fake", " upstream", "."];

function lastUserText(body: Record<string, unknown>): string {
  const messages = (body.messages as Array<{ role: string; content: unknown }> | undefined) ?? [];
  const last = [...messages].reverse().find((m) => m.role === "user");
  return typeof last?.content === "string" ? last.content : "";
}

function directive(text: string, name: string): string | null {
  const match = text.match(new RegExp(`!${name}(?::(\\S+))?`));
  return match ? (match[1] ?? "") : null;
}

/** Starts the fake upstream on a free loopback port (or `port`). */
export function startFakeUpstream(options: { port?: number; record?: boolean; apiKey?: string; intercept?: (n: number, request: Request) => Response | null } = {}): FakeUpstream {
  const requests: FakeUpstream["requests"] = [];
  const server = Bun.serve({
    port: options.port ?? 0,
    hostname: "127.0.0.1",
    idleTimeout: 0,
    async fetch(request) {
      const path = new URL(request.url).pathname;
      if (path.endsWith("/models")) return Response.json({ object: "list", data: [{ id: "fake-model", object: "model", owned_by: "fake" }] });
      if (!/\/(chat\/completions|embeddings|responses)$/.test(path)) return new Response("not found", { status: 404 });
      const body = (await request.json()) as Record<string, unknown>;
      if (options.record !== false) requests.push({ path, body, authorization: request.headers.get("authorization") });
      const intercepted = options.intercept?.(requests.length, request);
      if (intercepted) return intercepted;
      if (options.apiKey && request.headers.get("authorization") !== `Bearer ${options.apiKey}`) {
        return Response.json({ error: { message: "invalid upstream key", type: "authentication_error" } }, { status: 401 });
      }
      if (path.endsWith("/embeddings")) {
        const input = body.input;
        return demoEmbeddingsResponse({ model: String(body.model), texts: Array.isArray(input) ? input.map(String) : [String(input)], body });
      }
      if (path.endsWith("/responses")) return demoResponsesResponse({ model: String(body.model), stream: body.stream === true, prompt: JSON.stringify(body.input) }, { chunkDelayMs: 0 });
      const text = lastUserText(body);
      const status = directive(text, "status");
      if (status) return Response.json({ error: { message: `fake failure ${status}` } }, { status: Number(status) });
      if (directive(text, "hang") !== null) return await new Promise<Response>(() => {});
      if (directive(text, "malformed") !== null) return new Response("<html>not json", { status: 200, headers: { "content-type": body.stream ? "text/event-stream" : "application/json" } });
      const model = String(body.model);
      const promptTokens = 7 + Math.ceil(text.length / 4);
      const usage = directive(text, "weirdusage") !== null
        ? { prompt_tokens: 10.5, completion_tokens: "6", total_tokens: -1 }
        : { prompt_tokens: promptTokens, completion_tokens: WORDS.length, total_tokens: promptTokens + WORDS.length };
      const noUsage = directive(text, "nousage") !== null;
      const created = Math.floor(Date.now() / 1000);
      if (directive(text, "toolcall") !== null) return toolCallAnswer(model, body.stream === true);
      if (!body.stream) {
        const slow = Number(directive(text, "slow") ?? 0);
        if (slow) await Bun.sleep(slow);
        return Response.json({
          id: "chatcmpl-fake",
          object: "chat.completion",
          created,
          model,
          choices: [{ index: 0, message: { role: "assistant", content: WORDS.join("") }, finish_reason: "stop" }],
          ...(noUsage ? {} : { usage }),
        });
      }
      const delay = Number(directive(text, "delay") ?? 0);
      const slow = Number(directive(text, "slow") ?? 0);
      const errorEvent = directive(text, "errorevent") !== null;
      const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true && !noUsage;
      const encoder = new TextEncoder();
      const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
        encoder.encode(`data: ${JSON.stringify({ id: "chatcmpl-fake", object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
      const stream = new ReadableStream<Uint8Array>({
        async start(controller) {
          try {
            controller.enqueue(chunk({ role: "assistant", content: "" }));
            for (let i = 0; i < WORDS.length; i++) {
              if (i === 1 && delay) await Bun.sleep(delay);
              if (slow) await Bun.sleep(slow / WORDS.length);
              controller.enqueue(chunk({ content: WORDS[i] }));
              if (errorEvent && i === 1) {
                // As OpenRouter does when a provider fails mid-stream: an error event, then the end.
                controller.enqueue(encoder.encode(`data: ${JSON.stringify({ error: { message: "provider overloaded", code: 502 } })}\n\n`));
                controller.close();
                return;
              }

            }
            controller.enqueue(chunk({}, "stop"));
            if (includeUsage) controller.enqueue(encoder.encode(`data: ${JSON.stringify({ id: "chatcmpl-fake", object: "chat.completion.chunk", created, model, choices: [], usage })}\n\n`));
            controller.enqueue(encoder.encode("data: [DONE]\n\n"));
            controller.close();
          } catch {
            // The client went away.
          }
        },
      });
      return new Response(stream, { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}/v1`,
    port: server.port!,
    requests,
    stop: async () => {
      await server.stop(true);
    },
  };
}

/** The fake's fixed tool-call answer, so tests can compare bytes. */
export const TOOL_CALL = { id: "call_fake_1", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Paris\",\"unit\":\"c\"}" } };

function toolCallAnswer(model: string, stream: boolean): Response {
  const usage = { prompt_tokens: 20, completion_tokens: 9, total_tokens: 29 };
  if (!stream) {
    return new Response(JSON.stringify({ id: "chatcmpl-tool", object: "chat.completion", created: 1, model, choices: [{ index: 0, message: { role: "assistant", content: null, tool_calls: [TOOL_CALL], refusal: null }, finish_reason: "tool_calls" }], usage, x_vendor: { kept: true } }), { headers: { "content-type": "application/json" } });
  }
  const args = TOOL_CALL.function.arguments;
  const deltas = [
    { role: "assistant", content: null, tool_calls: [{ index: 0, id: TOOL_CALL.id, type: "function", function: { name: "get_weather", arguments: "" } }] },
    { tool_calls: [{ index: 0, function: { arguments: args.slice(0, 9) } }] },
    { tool_calls: [{ index: 0, function: { arguments: args.slice(9) } }] },
  ];
  const lines = deltas.map((delta) => `data: ${JSON.stringify({ id: "chatcmpl-tool", object: "chat.completion.chunk", created: 1, model, choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`);
  lines.push(`data: ${JSON.stringify({ id: "chatcmpl-tool", object: "chat.completion.chunk", created: 1, model, choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }] })}\n\n`);
  lines.push(`data: ${JSON.stringify({ id: "chatcmpl-tool", object: "chat.completion.chunk", created: 1, model, choices: [], usage })}\n\n`, "data: [DONE]\n\n");
  return new Response(lines.join(""), { headers: { "content-type": "text/event-stream" } });
}

if (import.meta.main) {
  const port = Number(process.argv[2] ?? 0);
  const upstream = startFakeUpstream({ port, record: false });
  console.log(upstream.url);
}

/**
 * A raw TCP server that answers every request with a 200 SSE response, sends two chunks, then drops the
 * connection without finishing the body: a connection cut mid-stream, as an HTTP server cannot fake it.
 */
export function startCuttingUpstream(): { url: string; stop(): void } {
  const chunk = (content: string) => {
    const event = `data: ${JSON.stringify({ id: "chatcmpl-cut", object: "chat.completion.chunk", created: 0, model: "fake-model", choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
    return `${Buffer.byteLength(event).toString(16)}\r\n${event}\r\n`;
  };
  const listener = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      data(socket) {
        socket.write("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n" + chunk("Hello") + chunk(" from"));
        setTimeout(() => socket.end(), 30);
      },
    },
  });
  return { url: `http://127.0.0.1:${listener.port}/v1`, stop: () => listener.stop(true) };
}
