// Alerts: quota thresholds, expiring and revoked keys, each sent once (mail and webhook events).
export { claimNotice, crossedThreshold, keyRevoked, QUOTA_THRESHOLDS, quotaAdmitted, sweepExpiringKeys } from "./alerts.ts";
export type { AlertDeps, QuotaAdmitted } from "./alerts.ts";
