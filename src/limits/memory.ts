// In-process limits: exact sliding-window logs and quota counters seeded from the database.
import type { UsageRecord } from "../usage/mod.ts";
import { type Admission, type AdmitRequest, DEFAULT_LEASE_MS, leaseSweepMs, limitState, type LimitStore, type QuotaLoader, RATE_WINDOW_MS, secondsUntil } from "./store.ts";

/** Timestamps of admitted events, oldest first; trimmed lazily to the window. */
class SlidingLog {
  private times: number[] = [];
  private head = 0;

  trim(now: number, windowMs: number): number {
    while (this.head < this.times.length && this.times[this.head]! <= now - windowMs) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  oldest(): number | undefined {
    return this.times[this.head];
  }

  push(now: number): void {
    this.times.push(now);
  }
}

export interface MemoryLimitStoreOptions {
  loadQuota: QuotaLoader;
  /** Makes a usage record durable (the database group-commit writer). */
  persist: (record: UsageRecord) => Promise<void>;
  now?: () => number;
  /** How long a reservation may stay unsettled before it is given back (default 15 minutes). */
  leaseMs?: number;
}

/** Creates the in-process LimitStore used when no REDIS_URL is set (one hub instance). */
export function createMemoryLimitStore(options: MemoryLimitStoreOptions): LimitStore {
  const now = options.now ?? Date.now;
  const logs = new Map<string, SlidingLog>();
  const quotas = new Map<string, number>();
  const seeding = new Map<string, Promise<void>>();
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  // Per quota counter, its open reservations: call id → lease deadline (insertion order is deadline order).
  const leases = new Map<string, Map<string, number>>();

  const addUsed = (quotaId: string, delta: number) => {
    const used = quotas.get(quotaId);
    if (used !== undefined) quotas.set(quotaId, Math.max(0, used + delta));
  };

  /** Gives back the reservations of `quotaId` whose lease ended by `t`; with `early`, stops at the first live one. */
  const expireLeases = (quotaId: string, t: number, early: boolean) => {
    const open = leases.get(quotaId);
    if (!open) return 0;
    let expired = 0;
    for (const [callId, deadline] of open) {
      if (deadline > t) {
        if (early) break;
        continue;
      }
      open.delete(callId);
      addUsed(quotaId, -1);
      expired++;
    }
    if (open.size === 0) leases.delete(quotaId);
    return expired;
  };

  const logFor = (bucket: string) => {
    let log = logs.get(bucket);
    if (!log) logs.set(bucket, (log = new SlidingLog()));
    return log;
  };

  const seed = async (userId: number, periodKey: string) => {
    const id = `${userId}:${periodKey}`;
    if (quotas.has(id)) return id;
    let pending = seeding.get(id);
    if (!pending) {
      pending = options.loadQuota(userId, periodKey).then((used) => {
        if (!quotas.has(id)) quotas.set(id, used);
      }).finally(() => seeding.delete(id));
      seeding.set(id, pending);
    }
    await pending;
    return id;
  };

  // Drop idle logs now and then so memory follows active keys, not all keys ever seen.
  const sweep = setInterval(() => {
    const t = now();
    for (const [bucket, log] of logs) if (log.trim(t, 15 * 60_000) === 0) logs.delete(bucket);
  }, 60_000);
  sweep.unref?.();
  // Reservations of calls that never settled (a bug, a hung stream) go back even if their user stays idle.
  const reconcileAll = () => {
    const t = now();
    let expired = 0;
    for (const quotaId of [...leases.keys()]) expired += expireLeases(quotaId, t, false);
    return expired;
  };
  const leaseSweep = setInterval(reconcileAll, leaseSweepMs(leaseMs));
  leaseSweep.unref?.();

  return {
    async admit(request: AdmitRequest): Promise<Admission> {
      const quotaId = await seed(request.userId, request.period.key);
      // From here to the return nothing awaits, so the check and the reservation are one atomic step.
      const t = now();
      expireLeases(quotaId, t, true);
      const log = logFor(`key:${request.keyId}`);
      const count = log.trim(t, RATE_WINDOW_MS);
      const used = quotas.get(quotaId)!;
      const oldest = log.oldest() ?? t;
      if (count >= request.rateLimit) {
        const state = limitState(request, count, used, oldest);
        return { allowed: false, reason: "rate_limited", state, retryAfterSec: secondsUntil(oldest + RATE_WINDOW_MS, t) };
      }
      if (request.countsQuota && used >= request.quotaLimit) {
        return { allowed: false, reason: "quota_exceeded", state: limitState(request, count, used, oldest), retryAfterSec: secondsUntil(request.period.end.getTime(), t) };
      }
      log.push(t);
      if (request.countsQuota) {
        quotas.set(quotaId, used + 1);
        let open = leases.get(quotaId);
        if (!open) leases.set(quotaId, (open = new Map()));
        open.set(request.callId, t + leaseMs);
      }
      return { allowed: true, state: limitState(request, count + 1, request.countsQuota ? used + 1 : used, oldest) };
    },
    async settle(record, { refundQuota, periodKey }) {
      const quotaId = `${record.userId}:${periodKey}`;
      if (refundQuota || record.countsQuota) {
        const open = leases.get(quotaId);
        const live = open?.delete(record.id) ?? false;
        if (open?.size === 0) leases.delete(quotaId);
        // A live lease still holds the reservation; an expired one was given back already, so a charged
        // call is counted again and a refund has nothing left to give.
        if (refundQuota && live) addUsed(quotaId, -1);
        if (!refundQuota && !live) addUsed(quotaId, 1);
      }
      try {
        await options.persist(record);
      } catch (error) {
        // A call whose record could not be written is not charged: it answers 503 instead.
        if (!refundQuota && record.countsQuota) addUsed(quotaId, -1);
        throw error;
      }
    },
    async quotaUsed(userId, periodKey) {
      const id = await seed(userId, periodKey);
      return quotas.get(id)!;
    },
    async reconcileLeases() {
      return reconcileAll();
    },
    async ping() {},
    async close() {
      clearInterval(sweep);
      clearInterval(leaseSweep);
    },
  };
}
