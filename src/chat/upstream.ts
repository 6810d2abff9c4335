// Calls an upstream's /chat/completions (or /embeddings, /responses); every way it can fail comes back as a value the gateway maps.
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
 * Why an upstream call failed: it timed out, failed (refused, reset, 5xx), refused the key it was sent
 * (401/403), throttled it (429), rejected the caller's request (other 4xx), or the client left first.
 */
export interface UpstreamFailure {
  kind: "timeout" | "failed" | "key_refused" | "throttled" | "rejected" | "client_aborted";
  upstream: string;
  reason: string;
  /** The upstream's status, for a rejection other than 400. */
  status?: number;
  /** How long a throttled key should rest (its Retry-After). */
  retryAfterMs?: number;
}

/** Retry-After (seconds or an HTTP date) in milliseconds, bounded to an hour; 1 s when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  const seconds = Number(header);
  const ms = header && Number.isFinite(seconds) ? seconds * 1000 : header ? Date.parse(header) - now : NaN;
  return Number.isFinite(ms) ? Math.min(3_600_000, Math.max(0, Math.round(ms))) : 1000;
}

export type UpstreamResult = { ok: true; call: UpstreamCall } | { ok: false; failure: UpstreamFailure };

const headerCache = new WeakMap<UpstreamConfig, Map<string, [Record<string, string>, Record<string, string>]>>();

/** The request headers of an upstream with one key of its pool (JSON and stream variants), built once per upstream and key rather than per call. */
function requestHeaders(upstream: UpstreamConfig, apiKey: string, stream: boolean): Record<string, string> {
  let byKey = headerCache.get(upstream);
  if (!byKey) headerCache.set(upstream, (byKey = new Map()));
  let cached = byKey.get(apiKey);
  if (!cached) {
    const base = { "content-type": "application/json", ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}), ...upstream.headers };
    cached = [{ ...base, accept: "application/json" }, { ...base, accept: "text/event-stream" }];
    byKey.set(apiKey, cached);
  }
  return cached[stream ? 1 : 0];
}

/**
 * POSTs `body` to the model's upstream with the operator's key, asking for usage on streams.
 * Resolves once the upstream's headers arrive: a 2xx as a call, anything else as a failure.
 */
export async function callUpstream(upstream: UpstreamConfig, model: Pick<ModelConfig, "upstreamModel">, body: Record<string, unknown>, options: { signal: AbortSignal; apiKey?: string; path?: string }): Promise<UpstreamResult> {
  const path = options.path ?? "/chat/completions";
  const apiKey = options.apiKey ?? upstream.apiKey;
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
  if (stream && path === "/chat/completions") payload.stream_options = { ...(body.stream_options as object | undefined), include_usage: true };

  let response: Response;
  try {
    response = await fetch(`${upstream.baseUrl}${path}`, {
      method: "POST",
      headers: requestHeaders(upstream, apiKey, stream),
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
    if (response.status === 401 || response.status === 403) return failed("key_refused", `HTTP ${response.status}`);
    if (response.status === 429) return { ok: false, failure: { kind: "throttled", upstream: upstream.name, reason: "HTTP 429", retryAfterMs: retryAfterMs(response.headers.get("retry-after")) } };
    if (response.status >= 400 && response.status < 500 && response.status !== 408) return { ok: false, failure: { kind: "rejected", upstream: upstream.name, reason: message, status: response.status } };
    // Anything else is between the hub and its upstream (its key, its account): the caller gets the status only.
    return failed(response.status === 504 || response.status === 408 ? "timeout" : "failed", `HTTP ${response.status}`);
  }
  return { ok: true, call: { response, abort, touch, abortReason: () => reason, done } };
}
