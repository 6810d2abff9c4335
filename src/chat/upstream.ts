// Calls an upstream's /chat/completions and turns every way it can fail into a 502/504 HttpError.
import type { ModelConfig, UpstreamConfig } from "../config.ts";
import { HttpError } from "../http/errors.ts";

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

/** The failure of an upstream as an HttpError: 504 for timeouts, 502 for everything else. */
export function upstreamFailure(upstream: string, reason: string, timedOut: boolean): HttpError {
  return timedOut
    ? new HttpError("upstream_timeout", `Upstream ${upstream} did not answer in time (${reason})`)
    : new HttpError("upstream_failed", `Upstream ${upstream} failed: ${reason}`);
}

/**
 * POSTs `body` to the model's upstream with the operator's key, asking for usage on streams.
 * Resolves once the upstream's headers arrive with a 2xx; throws HttpError otherwise.
 */
export async function callUpstream(upstream: UpstreamConfig, model: ModelConfig, body: Record<string, unknown>, options: { signal: AbortSignal }): Promise<UpstreamCall> {
  const controller = new AbortController();
  let reason: string | null = null;
  const abort = (why = "aborted") => {
    if (reason === null) reason = why;
    controller.abort();
  };
  const onClientAbort = () => abort("client disconnected");
  options.signal.addEventListener("abort", onClientAbort, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => abort("timeout"), upstream.timeoutMs);
  };
  const done = () => {
    clearTimeout(timer);
    options.signal.removeEventListener("abort", onClientAbort);
  };
  const payload: Record<string, unknown> = { ...body, model: model.upstreamModel };
  if (body.stream === true) payload.stream_options = { ...(body.stream_options as object | undefined), include_usage: true };

  touch();
  let response: Response;
  try {
    response = await fetch(`${upstream.baseUrl}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: body.stream ? "text/event-stream" : "application/json", ...(upstream.apiKey ? { authorization: `Bearer ${upstream.apiKey}` } : {}), ...upstream.headers },
      body: JSON.stringify(payload),
      signal: controller.signal,
    });
  } catch (error) {
    done();
    if (reason === "client disconnected") throw new HttpError("bad_request", "Client disconnected");
    const message = (error as Error).message ?? String(error);
    const refused = /ECONNREFUSED|Unable to connect|ConnectionRefused|connection refused/i.test(message + String((error as { code?: string }).code));
    throw upstreamFailure(upstream.name, reason === "timeout" ? `no response within ${upstream.timeoutMs} ms` : refused ? "connection refused" : message, reason === "timeout");
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
    if (response.status === 400 || response.status === 422) throw new HttpError("bad_request", `Upstream ${upstream.name} rejected the request: ${message}`);
    // Anything else is between the hub and its upstream (its key, its account): the caller gets the status only.
    throw upstreamFailure(upstream.name, `HTTP ${response.status}`, response.status === 504 || response.status === 408);
  }
  return { response, abort, touch, abortReason: () => reason, done };
}
