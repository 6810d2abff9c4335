// A model's test call before it is saved: one tiny non-stream chat request to a deployment's upstream, nothing recorded.
import type { UpstreamConfig } from "../config.ts";
import { callUpstream } from "../chat/mod.ts";

/** What the operator sees of a test call: whether it answered, how fast, and its reply or error. */
export interface TestCallResult {
  ok: boolean;
  upstream: string;
  latency_ms: number;
  message: string;
}

const TEST_BODY = { messages: [{ role: "user", content: "Reply with OK." }], max_tokens: 5, stream: false };

/** Sends one tiny chat request to `upstream` for `upstreamModel`, within `timeoutMs` (default 10 s, never above the upstream's own). */
export async function testModelCall(upstreams: readonly UpstreamConfig[], target: { upstream: string; upstreamModel: string }, options: { timeoutMs?: number } = {}): Promise<TestCallResult> {
  const found = upstreams.find((u) => u.name === target.upstream);
  if (!found) return { ok: false, upstream: target.upstream, latency_ms: 0, message: `No upstream named "${target.upstream}"` };
  const upstream = { ...found, timeoutMs: Math.min(found.timeoutMs, options.timeoutMs ?? 10_000) };
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const result = await callUpstream(upstream, { upstreamModel: target.upstreamModel }, TEST_BODY, { signal: AbortSignal.timeout(upstream.timeoutMs + 1000) });
  if (!result.ok) {
    const { kind, reason, status } = result.failure;
    return { ok: false, upstream: upstream.name, latency_ms: elapsed(), message: `${kind}${status ? ` (HTTP ${status})` : ""}: ${reason}` };
  }
  try {
    const body = (await result.call.response.json()) as { choices?: Array<{ message?: { content?: unknown } }> };
    const content = body.choices?.[0]?.message?.content;
    return { ok: true, upstream: upstream.name, latency_ms: elapsed(), message: typeof content === "string" ? content.slice(0, 200) : "" };
  } catch (error) {
    return { ok: false, upstream: upstream.name, latency_ms: elapsed(), message: `The upstream's answer is not chat JSON: ${(error as Error).message}` };
  } finally {
    result.call.done();
  }
}
