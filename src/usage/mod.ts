// Usage: the usage record, the durable writers (stream flusher, group commit), rollups, stats and routes.
export { storableCost, storableText, tokenCount } from "./record.ts";
export type { CallOutcomeKind, UsageRecord } from "./record.ts";
export { startUsageFlusher } from "./flusher.ts";
export type { UsageFlusher } from "./flusher.ts";
export { openUsageJournal } from "./journal.ts";
export type { UsageJournal } from "./journal.ts";
export { createGroupCommitWriter } from "./group_commit.ts";
export type { GroupCommitWriter } from "./group_commit.ts";
export { storedQuotaUsed, usageBatchWriter, writeUsageBatch } from "./store.ts";
export { parseDays } from "./model.ts";
export type { CurrentUsage } from "./model.ts";
export { usageRoutes } from "./routes.ts";
export type { UsageDeps } from "./routes.ts";
export { currentUsage, monthTotals, recentCalls, usageBreakdown, usageHistory, usageSeries } from "./stats.ts";
export type { SeriesDay, UsageSeries } from "./stats.ts";
export { keyRecentCalls, requestLog, requestLogEntry } from "./logs.ts";
export type { LogCursor, LogEntry, LogFilters, StatusClass } from "./logs.ts";
