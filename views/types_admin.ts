// Props of the operators' pages (/admin): plain data prepared by src/console/admin_pages.ts.
import type { ChartSeries, FormErrors, PageContext } from "./types.ts";

export interface AdminTotals {
  requests: number;
  tokens: number;
  cost: number;
  error_rate: number;
  active_users: number;
  active_keys: number;
}

export interface AdminOverviewProps {
  ctx: PageContext;
  today: AdminTotals;
  month: AdminTotals;
  series: ChartSeries;
  topUsers: Array<{ user_id: number; email: string; requests: number; tokens: number; cost: number }>;
  topModels: Array<{ model: string; requests: number; tokens: number; cost: number }>;
  /** By requests this month. */
  topKeys: Array<{ name: string; key_prefix: string; user_id: number; email: string; requests: number; cost: number }>;
  upstreams: Array<{ name: string; source: string; models: number; health: AdminUpstreamHealth }>;
}

/** One upstream's health: its deployments cooling down and its keys out of rotation. */
export interface AdminUpstreamHealth {
  deployments: number;
  cooling: Array<{ upstream_model: string; until: string | null; failures: number }>;
  keys_out: Array<{ key: string; state: "set_aside" | "resting"; until: string | null }>;
}

export interface AdminUserRow {
  id: number;
  email: string;
  full_name: string | null;
  plan: string;
  role: string;
  is_active: boolean;
  monthly_quota: number;
  quota_used: number;
  keys_active: number;
  rate_limit_ceiling: number;
  custom_rate_limit_ceiling: number | null;
  created_at: string;
  /** The monthly quota when it differs from the plan's default (an operator's custom quota), else null. */
  custom_quota?: number | null;
}

export interface AdminUsersProps {
  ctx: PageContext;
  filter: { q: string; plan: string; status: string; role: string };
  users: AdminUserRow[];
  nextHref: string | null;
}

export interface AdminUserProps {
  ctx: PageContext;
  user: AdminUserRow;
  keys: Array<{ name: string; key_prefix: string; is_active: boolean; total_requests: number; created_at: string }>;
  subscriptions: Array<{ id: number; plan: string; status: string; price: number; current_period_start: string; note: string | null }>;
  history: { total_requests: number; total_cost: number };
  errors?: FormErrors;
  notice?: string;
  resetUrl?: string;
}

export interface AdminPlanRow {
  name: string;
  monthly_quota: number;
  price: number;
  max_keys: number;
  default_rate_limit: number;
}

export interface AdminPlansProps {
  ctx: PageContext;
  plans: AdminPlanRow[];
  errors?: FormErrors & { plan?: string };
  notice?: string;
}

export interface AdminCatalogProps {
  ctx: PageContext;
  upstreams: Array<{ name: string; base_url: string; api_keys_count: number; timeout_ms: number; source: string }>;
  models: Array<{ id: string; name: string; input_price: number; output_price: number; deployments: Array<{ upstream: string; upstream_model: string; priority: number; weight: number }>; source: string }>;
  /** Which form the errors belong to: "upstream" / "model" (the add forms), "upstream:NAME" / "model:ID" (an edit form). */
  errors?: FormErrors & { form_id?: string };
  notice?: string;
  /** The outcome of a model's test call (nothing was saved). */
  testCall?: { ok: boolean; upstream: string; latency_ms: number; message: string };
}

export interface AdminAuditProps {
  ctx: PageContext;
  filter: { actor: string; action: string; target: string; from: string; to: string };
  entries: Array<{ id: number; at: string; actor_email: string; channel: string; action: string; target: string; before: string; after: string }>;
  nextHref: string | null;
}
