// The usage record: everything one developer-API call leaves behind, written once when the call ends.

/** How a call ended; the usage record stores it as text. */
export type CallOutcomeKind =
  | "ok"
  | "rate_limited"
  | "quota_exceeded"
  | "invalid_request"
  | "model_not_found"
  | "upstream_rejected"
  | "upstream_error"
  | "upstream_timeout"
  | "client_aborted"
  | "unavailable"
  | "internal_error";

/** Everything a call leaves behind; written once, after the response ends. */
export interface UsageRecord {
  id: string;
  userId: number;
  apiKeyId: number;
  endpoint: string;
  model: string | null;
  upstream: string | null;
  /** The model id at the upstream that served the call (or was tried last). */
  upstreamModel?: string | null;
  /** Upstream tries the call made (0 for calls that never reached one). */
  attempts?: number;
  status: number;
  outcome: CallOutcomeKind;
  countsQuota: boolean;
  promptTokens: number;
  completionTokens: number;
  tokensEstimated: boolean;
  cost: number;
  latencyMs: number;
  ttfbMs: number | null;
  stream: boolean;
  error: string | null;
  createdAt: string;
  /** The quota period (YYYY-MM-01) the call reserved against, even if it ends in the next month. */
  quotaPeriod: string;
}

/**
 * Text safe to store: no NUL characters, no lone surrogates (PostgreSQL refuses both), bounded length. The cut
 * comes before the check, since it may split a surrogate pair (a model name of 199 letters and an emoji).
 */
export function storableText(value: string | null | undefined, max = 1000): string | null {
  if (value === null || value === undefined) return null;
  return value.replaceAll("\u0000", "").slice(0, max).toWellFormed();
}

/** A token count as PostgreSQL's integer column takes it, whatever an upstream reported. */
export function tokenCount(value: unknown): number {
  const n = Math.trunc(Number(value));
  return Number.isFinite(n) ? Math.min(2 ** 31 - 1, Math.max(0, n)) : 0;
}

/** A cost as stored: finite, non-negative, bounded. */
export function storableCost(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? Math.min(value, 1e9) : 0;
}
