// Steady chat load for fault tests: what was sent, what came back, and which calls were delivered.
import { inArray } from "drizzle-orm";
import type { Db } from "../../db/mod.ts";
import { usageRecords } from "../../db/schema/mod.ts";

export type Send = (path: string, init: { method?: string; token?: string; json?: unknown }) => Promise<Response>;

export interface CallResult {
  status: number;
  stream: boolean;
  retryAfter: string | null;
  requestId: string | null;
  /** A 200 whose answer arrived whole (for streams: it ended with [DONE]). */
  delivered: boolean;
  /** The error message of a refused call or a stream that ended in an error event. */
  error: string | null;
  /** Milliseconds since the load started, when the answer ended. */
  at: number;
}

export interface Load {
  results: CallResult[];
  /** Stops starting new calls and waits for those in flight. */
  stop(): Promise<CallResult[]>;
}

/** Runs `workers` loops of demo chat calls (alternately plain and streamed, `pauseMs` apart) until stopped or `maxCalls` were made. */
export function startChatLoad(send: Send, key: string, options: { workers?: number; maxCalls?: number; pauseMs?: number } = {}): Load {
  const results: CallResult[] = [];
  const started = performance.now();
  const maxCalls = options.maxCalls ?? 5_000;
  let made = 0;
  let stopped = false;
  const one = async (stream: boolean): Promise<CallResult> => {
    const response = await send("/v1/chat/completions", { token: key, json: { model: "demo", messages: [{ role: "user", content: "fault load" }], stream } });
    const text = await response.text();
    let delivered = false;
    let error: string | null = null;
    if (response.status === 200 && stream) {
      delivered = text.trimEnd().endsWith("data: [DONE]");
      if (!delivered) error = /"message":"([^"]*)"/.exec(text)?.[1] ?? "stream ended without [DONE]";
    } else if (response.status === 200) {
      delivered = (JSON.parse(text) as { choices?: unknown[] }).choices?.length === 1;
    } else {
      error = text;
    }
    return { status: response.status, stream, retryAfter: response.headers.get("retry-after"), requestId: response.headers.get("x-request-id"), delivered, error, at: performance.now() - started };
  };
  const worker = async (i: number) => {
    for (let n = 0; !stopped && made < maxCalls; n++) {
      made++;
      try {
        results.push(await one((i + n) % 2 === 0));
      } catch (error) {
        results.push({ status: 0, stream: false, retryAfter: null, requestId: null, delivered: false, error: String(error), at: performance.now() - started });
      }
      if (options.pauseMs) await Bun.sleep(options.pauseMs);
    }
  };
  const running = Promise.all(Array.from({ length: options.workers ?? 8 }, (_, i) => worker(i)));
  return {
    results,
    async stop() {
      stopped = true;
      await running;
      return results;
    },
  };
}

/** Polls `probe` until it returns true or `ms` pass; returns how long it took (or throws). */
export async function within(ms: number, what: string, probe: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < ms) {
    try {
      if (await probe()) return performance.now() - started;
    } catch {}
    await Bun.sleep(100);
  }
  throw new Error(`${what} did not happen within ${ms} ms`);
}

/** The ids among `ids` still without a usage record after waiting up to `ms` for the pipeline to drain (empty: all stored). */
export async function missingRecords(db: Db, ids: string[], ms: number): Promise<string[]> {
  let missing = ids;
  await within(ms, "every delivered call's record in PostgreSQL", async () => {
    const stored = new Set<string>();
    for (let i = 0; i < missing.length; i += 5_000) {
      const rows = await db.select({ id: usageRecords.id }).from(usageRecords).where(inArray(usageRecords.id, missing.slice(i, i + 5_000)));
      for (const row of rows) stored.add(row.id);
    }
    missing = missing.filter((id) => !stored.has(id));
    return missing.length === 0;
  }).catch(() => {});
  return missing;
}
