// Calls an upstream's /chat/completions; every way it can fail comes back as a value the gateway maps.
import type { ModelConfig, UpstreamConfig } from "../config.ts";

export interface UpstreamCall {
  response: Response;
  /** Aborts the upstream request (client went away, idle timeout). */
  abort(reason?: string): void;
  /** Restarts the idle timer; call on each chunk received. */
  touch(): void;
  /** Why the call was aborted, if it was. */
  abortReason(): string | null;
  done(): void;
}

/**
 * Why an upstream call failed: it timed out, failed (refused, reset, 5xx, its key refused), rejected the
 * caller's request (400/422), or the client left first.
 */
export interface UpstreamFailure {
  kind: "timeout" | "failed" | "rejected" | "client_aborted";
  upstream: string;
  reason: string;
}

export type UpstreamResult = { ok: true; call: UpstreamCall } | { ok: false; failure: UpstreamFailure };

const headerCache = new WeakMap<UpstreamConfig, [Record<string, string>, Record<string, string>]>();

/** The request headers of an upstream (JSON and stream variants), built once per upstream rather than per call. */
function requestHeaders(upstream: UpstreamConfig, stream: boolean): Record<string, string> {
  let cached = headerCache.get(upstream);
  if (!cached) {
    const base = { "content-type": "application/json", ...(upstream.apiKey ? { authorization: `Bearer ${upstream.apiKey}` } : {}), ...upstream.headers };
    cached = [{ ...base, accept: "application/json" }, { ...base, accept: "text/event-stream" }];
    headerCache.set(upstream, cached);
  }
  return cached[stream ? 1 : 0];
}

/**
 * POSTs `body` to the model's upstream with the operator's key, asking for usage on streams.
 * Resolves once the upstream's headers arrive: a 2xx as a call, anything else as a failure.
 */
export async function callUpstream(upstream: UpstreamConfig, model: ModelConfig, body: Record<string, unknown>, options: { signal: AbortSignal }): Promise<UpstreamResult> {
  const controller = new AbortController();
  let reason: string | null = null;
  const abort = (why = "aborted") => {
    if (reason === null) reason = why;
    controller.abort();
  };
  const onClientAbort = () => abort("client disconnected");
  options.signal.addEventListener("abort", onClientAbort, { once: true });
  // One timer per call, re-armed in place on each chunk (cheaper than clearing and creating one per chunk).
  const timer = setTimeout(() => abort("timeout"), upstream.timeoutMs);
  const touch = () => void timer.refresh();
  const done = () => {
    clearTimeout(timer);
    options.signal.removeEventListener("abort", onClientAbort);
  };
  const failed = (kind: UpstreamFailure["kind"], why: string): UpstreamResult => ({ ok: false, failure: { kind, upstream: upstream.name, reason: why } });
  const stream = body.stream === true;
  const payload: Record<string, unknown> = { ...body, model: model.upstreamModel };
  if (stream) payload.stream_options = { ...(body.stream_options as object | undefined), include_usage: true };

  let response: Response;
  try {
    response = await fetch(`${upstream.baseUrl}/chat/completions`, {
      method: "POST",
      headers: requestHeaders(upstream, stream),
      body: JSON.stringify(payload),
      signal: controller.signal,
    });
  } catch (error) {
    done();
    if (reason === "client disconnected") return failed("client_aborted", "client disconnected");
    if (reason === "timeout") return failed("timeout", `no response within ${upstream.timeoutMs} ms`);
    const message = (error as Error).message ?? String(error);
    const refused = /ECONNREFUSED|Unable to connect|ConnectionRefused|connection refused/i.test(message + String((error as { code?: string }).code));
    return failed("failed", refused ? "connection refused" : message);
  }
  if (!response.ok) {
    done();
    const text = await response.text().catch(() => "");
    let message = text.slice(0, 300);
    try {
      const parsed = JSON.parse(text) as { error?: { message?: string } | string; message?: string };
      message = (typeof parsed.error === "string" ? parsed.error : parsed.error?.message) ?? parsed.message ?? message;
    } catch {}
    // The caller's own mistake, as the upstream judged it: a 400 naming the upstream's reason.
    if (response.status === 400 || response.status === 422) return failed("rejected", message);
    // Anything else is between the hub and its upstream (its key, its account): the caller gets the status only.
    return failed(response.status === 504 || response.status === 408 ? "timeout" : "failed", `HTTP ${response.status}`);
  }
  return { ok: true, call: { response, abort, touch, abortReason: () => reason, done } };
}
