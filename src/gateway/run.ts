// Runs one metered call end to end: plan → admit → run → settle exactly once → headers. The one place a call settles.
import { HttpError } from "../http/mod.ts";
import { admitCall, type CallOutcome, type DeveloperCall, limitHeaders, settleCall } from "./call.ts";
import type { GatewayDeps } from "./deps.ts";

/**
 * What running a call produced: a finished reply (or failure) with its outcome, or a stream whose outcome
 * is known when it ends; the stream waits for `settled` before its last event, so [DONE] follows a durable record.
 */
export type CallResult =
  | { kind: "reply"; outcome: CallOutcome; response: Response }
  | { kind: "failed"; outcome: CallOutcome; error: HttpError }
  | { kind: "stream"; response: Response; ended: Promise<CallOutcome>; settled(error: HttpError | null): void };

/** A call ready to run: whether it counts toward the quota, and how to run it once admitted. */
export interface CallPlan {
  countsQuota: boolean;
  model: string | null;
  run(): Promise<CallResult>;
}

/** `plan`, telling `onOutcome` how its call ended once known (a stream's when it ends, before it is settled). */
export function observePlan(plan: CallPlan, onOutcome: (outcome: CallOutcome) => void): CallPlan {
  return {
    ...plan,
    async run() {
      const result = await plan.run();
      if (result.kind === "stream") void result.ended.then(onOutcome);
      else onOutcome(result.outcome);
      return result;
    },
  };
}

/** A call refused for its input (bad body, unknown model): it counts toward the key's rate limit, never the quota. */
function refusalPlan(error: HttpError): CallPlan {
  const outcome: CallOutcome = { status: error.status, outcome: error.code === "model_not_found" ? "model_not_found" : "invalid_request", error: error.message };
  return { countsQuota: false, model: null, run: async () => ({ kind: "failed", outcome, error }) };
}

/** Runs `run` and turns a thrown bug into a failed result, so the reservation is still settled. */
async function runGuarded(deps: GatewayDeps, call: DeveloperCall, plan: CallPlan): Promise<CallResult> {
  try {
    return await plan.run();
  } catch (error) {
    if (error instanceof HttpError) return { kind: "failed", outcome: { status: error.status, outcome: "upstream_error", model: plan.model, error: error.message }, error };
    deps.log.error("developer call failed", { error, call: call.id });
    return { kind: "failed", outcome: { status: 500, outcome: "internal_error", model: plan.model, error: "internal error" }, error: new HttpError("internal", "Internal server error") };
  }
}

function withLimitHeaders(response: Response, call: DeveloperCall): Response {
  for (const [name, value] of Object.entries(limitHeaders(call))) response.headers.set(name, value);
  return response;
}

/**
 * Prepares (parsing input: a refusal is still a metered call), admits, runs and settles one developer-API
 * call, and returns its response with the limit headers; failures throw HttpError for the one error map.
 */
export async function runCall(deps: GatewayDeps, call: DeveloperCall, prepare: () => CallPlan | Promise<CallPlan>): Promise<Response> {
  let plan: CallPlan;
  try {
    plan = await prepare();
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    plan = refusalPlan(error);
  }
  const admitted = await admitCall(deps, call, plan);
  const result: CallResult = admitted.ok ? await runGuarded(deps, call, plan) : { kind: "failed", ...admitted };
  const outcome = result.kind === "stream" ? result.ended : Promise.resolve(result.outcome);
  const settled = outcome.then((o) => settleCall(deps, call, o)).then(() => null, (error: HttpError) => error);
  if (result.kind === "stream") {
    // In progress until its outcome is settled (the stream then sends only its last events).
    deps.metrics?.streamOpened();
    void settled.then((error) => {
      deps.metrics?.streamClosed();
      result.settled(error);
    });
    return withLimitHeaders(result.response, call);
  }
  const error = (await settled) ?? (result.kind === "failed" ? result.error : null);
  if (error) {
    Object.assign(error.headers, { ...limitHeaders(call), ...error.headers });
    throw error;
  }
  return withLimitHeaders((result as { response: Response }).response, call);
}
