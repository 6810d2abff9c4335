// Meters one developer-API call: admits it against the limits, then settles exactly one usage record.
import type { AppDeps } from "../app.ts";
import { HttpError } from "../http/errors.ts";
import type { VerifiedKey } from "../keys/mod.ts";
import type { LimitHeaders, UsageRecord } from "../limits/mod.ts";
import { quotaPeriod } from "../plans/mod.ts";

/** A developer-API call in progress: who is calling, since when, and what it reserved. */
export interface DeveloperCall {
  id: string;
  key: VerifiedKey;
  endpoint: string;
  startedAt: number;
  period: { key: string; end: Date };
  /** True once admit() reserved quota; settle gives it back unless the call is charged. */
  reservedQuota: boolean;
  limits: LimitHeaders | null;
  settled: boolean;
}

/** Text safe to store: no NUL characters, no lone surrogates (PostgreSQL refuses both), bounded length. */
export function storableText(value: string | null | undefined, max = 1000): string | null {
  if (value === null || value === undefined) return null;
  return value.replaceAll("\u0000", "").toWellFormed().slice(0, max);
}

/** A token count as PostgreSQL's integer column takes it, whatever an upstream reported. */
export function tokenCount(value: unknown): number {
  const n = Math.trunc(Number(value));
  return Number.isFinite(n) ? Math.min(2 ** 31 - 1, Math.max(0, n)) : 0;
}

export type CallOutcome = Partial<Omit<UsageRecord, "id" | "userId" | "apiKeyId" | "endpoint" | "createdAt" | "latencyMs">> & { status: number; outcome: string };

/** Begins metering a call by a verified key; `id` (the request id) becomes its usage record's id. */
export function startCall(key: VerifiedKey, endpoint: string, id: string = crypto.randomUUID()): DeveloperCall {
  const period = quotaPeriod();
  return { id, key, endpoint, startedAt: performance.now(), period: { key: period.key, end: period.end }, reservedQuota: false, limits: null, settled: false };
}

/** The X-RateLimit-* and X-Quota-* headers of a call (empty until it was admitted or refused). */
export function limitHeaders(call: DeveloperCall): Record<string, string> {
  const l = call.limits;
  if (!l) return {};
  return {
    "x-ratelimit-limit": String(l.rateLimit),
    "x-ratelimit-remaining": String(l.rateRemaining),
    "x-ratelimit-reset": String(l.rateReset),
    "x-quota-limit": String(l.quotaLimit),
    "x-quota-remaining": String(Math.max(0, l.quotaLimit - l.quotaUsed)),
    "x-quota-reset": String(l.quotaReset),
  };
}

/** Writes the call's one usage record and returns unused quota; safe to call more than once. */
export async function settleCall(deps: AppDeps, call: DeveloperCall, outcome: CallOutcome): Promise<void> {
  if (call.settled) return;
  call.settled = true;
  const charged = call.reservedQuota && (outcome.countsQuota ?? false);
  const record: UsageRecord = {
    id: call.id,
    userId: call.key.userId,
    apiKeyId: call.key.keyId,
    endpoint: call.endpoint,
    model: storableText(outcome.model, 200),
    upstream: storableText(outcome.upstream, 100),
    status: outcome.status,
    outcome: outcome.outcome,
    countsQuota: charged,
    promptTokens: tokenCount(outcome.promptTokens ?? 0),
    completionTokens: tokenCount(outcome.completionTokens ?? 0),
    tokensEstimated: outcome.tokensEstimated ?? false,
    cost: Number.isFinite(outcome.cost) && outcome.cost! >= 0 ? Math.min(outcome.cost!, 1e9) : 0,
    latencyMs: Math.round(performance.now() - call.startedAt),
    ttfbMs: outcome.ttfbMs ?? null,
    stream: outcome.stream ?? false,
    error: storableText(outcome.error),
    createdAt: new Date().toISOString(),
    quotaPeriod: call.period.key,
  };
  try {
    await deps.limits.settle(record, { refundQuota: call.reservedQuota && !charged, periodKey: call.period.key });
  } catch (error) {
    deps.log.error("usage record could not be settled", { error, call: call.id, endpoint: call.endpoint });
    throw new HttpError("unavailable", "Usage could not be recorded: the limits store is unavailable");
  }
}

/**
 * Admits the call if the key's rate limit and (for chat calls) the owner's quota both allow it, in one
 * atomic step; otherwise records the refusal and throws 429 or 402 with the limit headers.
 */
export async function admitCall(deps: AppDeps, call: DeveloperCall, options: { countsQuota: boolean; model?: string }): Promise<void> {
  let admission;
  try {
    admission = await deps.limits.admit({
      keyId: call.key.keyId,
      userId: call.key.userId,
      rateLimit: call.key.rateLimit,
      quotaLimit: call.key.quotaLimit,
      countsQuota: options.countsQuota,
      period: call.period,
    });
  } catch (error) {
    deps.log.error("limits store unavailable", { error });
    throw new HttpError("unavailable", "Cannot admit the call: the limits store is unavailable. Retry shortly.", { headers: { "retry-after": "1" } });
  }
  call.limits = admission.state;
  if (admission.allowed) {
    call.reservedQuota = options.countsQuota;
    return;
  }
  const headers = { ...limitHeaders(call), "retry-after": String(admission.retryAfterSec) };
  if (admission.reason === "rate_limited") {
    await settleCall(deps, call, { status: 429, outcome: "rate_limited", model: options.model ?? null });
    throw new HttpError("rate_limited", `Rate limit exceeded. Maximum ${call.key.rateLimit} requests per minute.`, { headers });
  }
  await settleCall(deps, call, { status: 402, outcome: "quota_exceeded", model: options.model ?? null });
  throw new HttpError("insufficient_quota", `Quota exceeded. Used ${admission.state.quotaUsed}/${admission.state.quotaLimit} requests this month.`, { headers: limitHeaders(call) });
}
