// The props the console's views render: plain data, prepared by the routes. Views import only these types.
import type { Lang, Translate } from "../src/console/i18n.ts";

export interface PageContext {
  t: Translate;
  lang: Lang;
  csrf: string;
  path: string;
  user: { email: string; fullName: string | null; plan: string; admin?: boolean } | null;
}

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

export interface DailyPoint {
  date: string;
  requests: number;
  cost: number;
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
