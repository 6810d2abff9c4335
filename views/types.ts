// The props the console's views render: plain data, prepared by the routes. Views import only these types.
import type { Lang, Translate } from "../src/console/i18n.ts";
import type { UsageRecord } from "../src/usage/record.ts";
import type { UsageSeries } from "../src/usage/stats.ts";

/** Daily usage as the charts draw it (usage/stats.ts): ok and errors per day, tokens and cost per model series. */
export type ChartSeries = UsageSeries;

export interface PageContext {
  t: Translate;
  lang: Lang;
  csrf: string;
  path: string;
  /** Where the language switch returns: this page's GET URL (path and query), which a form's POST path may not be. */
  here: string;
  user: { email: string; fullName: string | null; plan: string; admin?: boolean } | null;
}

/** A line above a section after a form: what was done, or why not. */
export interface Notice {
  kind: "ok" | "error";
  message: string;
}

export interface SessionRow {
  id: string;
  device: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
  lastSeenAt: string;
  current: boolean;
}

export interface DeliveryRow {
  type: string;
  status: string;
  responseCode: number | null;
  attempts: number;
  createdAt: string;
  lastError: string | null;
}

export interface WebhookRow {
  id: number;
  url: string;
  events: string[];
  active: boolean;
  createdAt: string;
  deliveries: DeliveryRow[];
}

/** The email verification banner on the dashboard: still unverified, just resent, or resent too often. */
export type VerifyBannerState = { state: "unverified" } | { state: "sent" } | { state: "wait"; retryAfterSec: number };

export interface KeyRow {
  id: number;
  name: string;
  description: string | null;
  prefix: string;
  status: "active" | "revoked" | "expired";
  rateLimit: number | null;
  totalRequests: number;
  createdAt: string;
  lastUsedAt: string | null;
}

/** A key just created, shown once with snippets that call the hub with it. */
export interface CreatedKey {
  secret: string;
  name: string;
  /** The hub's base URL as the browser reached it, and the model the snippets name. */
  baseUrl: string;
  model: string;
}

/** The dashboard's first steps: what the account has done so far, and what the snippet needs. */
export interface OnboardingState {
  hasKey: boolean;
  hasCall: boolean;
  baseUrl: string;
  model: string;
}

/** One key on its own page: the row plus what its settings form shows. */
export interface KeyDetail extends KeyRow {
  /** The plan's per-key limit: the ceiling of `rateLimit`, and what null means. */
  planRateLimit: number;
  expiresAt: string | null;
  /** The UTC date of the expiry, as the date field shows it. */
  expiresOn: string | null;
  revokedAt: string | null;
}

/** One of a key's last calls, as its page lists them. */
export type KeyCallRow = Pick<LogRow, "id" | "createdAt" | "model" | "endpoint" | "status" | "outcome" | "promptTokens" | "completionTokens" | "tokensEstimated" | "cost" | "latencyMs">;

export interface QuotaView {
  used: number;
  total: number;
  resetAt: string;
}

export interface CallRow {
  createdAt: string;
  endpoint: string;
  model: string | null;
  status: number;
  outcome: string;
  tokens: number;
  tokensEstimated: boolean;
  cost: number;
  latencyMs: number;
  keyName: string;
}

export interface BreakdownRow {
  label: string;
  sub?: string;
  requests: number;
  tokens: number;
  cost: number;
}

export interface FormErrors {
  form?: string;
  fields?: Record<string, string>;
  values?: Record<string, string>;
}

/** A model as the public pages show it: prices in USD per million tokens. */
export interface PublicModel {
  id: string;
  name: string;
  /** Upstream names serving it; "demo" for the built-in demo model. */
  providers: string[];
  inputPrice: number;
  outputPrice: number;
  free: boolean;
  /** Whether routing can reach it now; absent where health is not shown. */
  up?: boolean;
}

/** One call in the request log (/dashboard/logs); `id` is the X-Request-Id it was answered with. */
export interface LogRow extends Pick<UsageRecord, "id" | "createdAt" | "endpoint" | "model" | "upstream" | "status" | "promptTokens" | "completionTokens" | "tokensEstimated" | "cost" | "latencyMs" | "ttfbMs" | "stream" | "error"> {
  keyName: string;
  keyPrefix: string;
  upstreamModel: string | null;
  attempts: number;
  /** How the call ended, as stored. */
  outcome: string;
}

/** The request log's filters as the form shows them (strings, "" for none). */
export interface LogFilterView {
  key: string;
  model: string;
  status: string;
  from: string;
  to: string;
}
