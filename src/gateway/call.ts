// One metered developer-API call: who calls, what it reserved, and its admit and settle steps.
import { HttpError } from "../http/mod.ts";
import type { VerifiedKey } from "../keys/mod.ts";
import type { LimitHeaders } from "../limits/mod.ts";
import { quotaPeriod, quotaRemaining } from "../plans/mod.ts";
import { type CallOutcomeKind, storableCost, storableText, tokenCount, type UsageRecord } from "../usage/mod.ts";
import type { GatewayDeps } from "./deps.ts";

/** A developer-API call in progress: who is calling, since when, and what it reserved. */
export interface DeveloperCall {
  id: string;
  key: VerifiedKey;
  endpoint: string;
  startedAt: number;
  period: { key: string; end: Date };
  /** True once admitted with a quota reservation; settle gives it back unless the call is charged. */
  reservedQuota: boolean;
  limits: LimitHeaders | null;
  settled: boolean;
}

/** How a call ended, as its usage record will say. */
export interface CallOutcome {
  status: number;
  outcome: CallOutcomeKind;
  /** Whether the call is charged to the quota (only successful chat calls are). */
  countsQuota?: boolean;
  model?: string | null;
  upstream?: string | null;
  /** The model id at the upstream that served (or was tried last). */
  upstreamModel?: string | null;
  /** Upstream tries made (failovers and key rotations included). */
  attempts?: number;
  promptTokens?: number;
  completionTokens?: number;
  tokensEstimated?: boolean;
  cost?: number;
  ttfbMs?: number | null;
  stream?: boolean;
  error?: string | null;
}

/** An admission as a value: admitted, or refused with the outcome to record and the error to answer. */
export type AdmitResult = { ok: true } | { ok: false; outcome: CallOutcome; error: HttpError };

// The current quota period, computed once a month rather than per call (three Dates and an ISO string).
let current: { key: string; end: Date; endMs: number } | null = null;

function currentPeriod(): { key: string; end: Date } {
  const now = Date.now();
  if (!current || now >= current.endMs) {
    const period = quotaPeriod(new Date(now));
    current = { key: period.key, end: period.end, endMs: period.end.getTime() };
  }
  return current;
}

/** Begins metering a call by a verified key; `id` (the request id) becomes its usage record's id. */
export function startCall(key: VerifiedKey, endpoint: string, id: string = crypto.randomUUID()): DeveloperCall {
  return { id, key, endpoint, startedAt: performance.now(), period: currentPeriod(), reservedQuota: false, limits: null, settled: false };
}

/** Quota left after this call's admission (null before it was decided). */
export function callQuotaRemaining(call: DeveloperCall): number | null {
  return call.limits ? quotaRemaining(call.limits.quotaLimit, call.limits.quotaUsed) : null;
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
    "x-quota-remaining": String(quotaRemaining(l.quotaLimit, l.quotaUsed)),
    "x-quota-reset": String(l.quotaReset),
  };
}

/**
 * Admits the call if the key's rate limit and (for chat calls) the owner's quota both allow it, in one
 * atomic step. A refusal comes back as a value; only an unreachable limit store throws (503).
 */
export async function admitCall(deps: Pick<GatewayDeps, "limits" | "log" | "onQuotaAdmitted" | "metrics">, call: DeveloperCall, options: { countsQuota: boolean; model?: string | null }): Promise<AdmitResult> {
  let admission;
  try {
    admission = await deps.limits.admit({
      callId: call.id,
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
  deps.metrics?.limitDecision(admission.allowed ? "admitted" : admission.reason, admission.state);
  if (admission.allowed) {
    call.reservedQuota = options.countsQuota;
    if (options.countsQuota) deps.onQuotaAdmitted({ userId: call.key.userId, used: admission.state.quotaUsed, limit: admission.state.quotaLimit, periodKey: call.period.key });
    return { ok: true };
  }
  const model = options.model ?? null;
  if (admission.reason === "rate_limited") {
    const headers = { ...limitHeaders(call), "retry-after": String(admission.retryAfterSec) };
    return {
      ok: false,
      outcome: { status: 429, outcome: "rate_limited", model },
      error: new HttpError("rate_limited", `Rate limit exceeded. Maximum ${call.key.rateLimit} requests per minute.`, { headers, reason: { kind: "rate_limited", limit: call.key.rateLimit } }),
    };
  }
  return {
    ok: false,
    outcome: { status: 402, outcome: "quota_exceeded", model },
    error: new HttpError("insufficient_quota", `Quota exceeded. Used ${admission.state.quotaUsed}/${admission.state.quotaLimit} requests this month.`, { headers: limitHeaders(call), reason: { kind: "quota_exceeded", used: admission.state.quotaUsed, limit: admission.state.quotaLimit } }),
  };
}

/** The usage record of `call` ending with `outcome`. */
export function usageRecordOf(call: DeveloperCall, outcome: CallOutcome): UsageRecord {
  return {
    id: call.id,
    userId: call.key.userId,
    apiKeyId: call.key.keyId,
    endpoint: call.endpoint,
    model: storableText(outcome.model, 200),
    upstream: storableText(outcome.upstream, 100),
    upstreamModel: storableText(outcome.upstreamModel, 200),
    attempts: outcome.attempts ?? 0,
    status: outcome.status,
    outcome: outcome.outcome,
    countsQuota: call.reservedQuota && (outcome.countsQuota ?? false),
    promptTokens: tokenCount(outcome.promptTokens ?? 0),
    completionTokens: tokenCount(outcome.completionTokens ?? 0),
    tokensEstimated: outcome.tokensEstimated ?? false,
    cost: storableCost(outcome.cost),
    latencyMs: Math.round(performance.now() - call.startedAt),
    ttfbMs: outcome.ttfbMs ?? null,
    stream: outcome.stream ?? false,
    error: storableText(outcome.error),
    createdAt: new Date().toISOString(),
    quotaPeriod: call.period.key,
  };
}

/**
 * Writes the call's one usage record and returns unused quota; a second settle of the same call does nothing.
 * Throws 503 when the record cannot be made durable (the call is then not charged).
 */
export async function settleCall(deps: Pick<GatewayDeps, "limits" | "log">, call: DeveloperCall, outcome: CallOutcome): Promise<void> {
  if (call.settled) return;
  call.settled = true;
  const record = usageRecordOf(call, outcome);
  try {
    await deps.limits.settle(record, { refundQuota: call.reservedQuota && !record.countsQuota, periodKey: call.period.key });
  } catch (error) {
    deps.log.error("usage record could not be settled", { error, call: call.id, endpoint: call.endpoint });
    throw new HttpError("unavailable", "Usage could not be recorded: the usage store is unavailable. Retry shortly.", { headers: { "retry-after": "1" } });
  }
}
