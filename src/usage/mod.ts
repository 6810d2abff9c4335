// Usage: records, rollups, the quota counter's source of truth, and the pipelines that write them.
export { startUsageFlusher } from "./flusher.ts";
export type { UsageFlusher } from "./flusher.ts";
export { createGroupCommitWriter } from "./group_commit.ts";
export type { GroupCommitWriter } from "./group_commit.ts";
export { storedQuotaUsed, writeUsageBatch } from "./store.ts";
export { admitCall, limitHeaders, settleCall, startCall } from "./metering.ts";
export type { CallOutcome, DeveloperCall } from "./metering.ts";
export { usageRoutes } from "./routes.ts";
export { currentUsage, monthTotals, recentCalls, usageBreakdown, usageHistory } from "./stats.ts";
