// Operator commands (`npm run admin -- …`): the same actions as the admin API, audited as "command".
import { findUserByEmail, listSubscriptions } from "../auth/mod.ts";
import type { Db } from "../db/mod.ts";
import { isPlanName, PLAN_NAMES, PLANS, type QuotaCounter } from "../plans/mod.ts";
import { type AdminDeps, patchUserAction, resetLinkAction } from "./actions.ts";
import type { Actor } from "./audit.ts";
import type { UserPatch } from "./model.ts";
import { searchUsers } from "./users.ts";

export const USAGE = `Usage: npm run admin -- <command> [arguments]

  list [search]                                  users, newest first (email, role, plan, status)
  show <email>                                   the user, plan and subscriptions
  promote <email>                                make the user an admin (they can use /admin)
  demote <email>                                 make an admin a user again (never the last admin)
  set-plan <email> <free|pro|enterprise> [--quota N] [--rate-limit-ceiling N]
                                                 change plan; custom limits for enterprise deals
  disable <email>                                block log-in and every API key of the user
  enable <email>                                 undo disable
  reset-password <email>                         print a one-hour, single-use password-reset link

While the hub runs, commands go to it over its local admin channel (DATA_DIR/admin-channel.json);
otherwise they open the database directly.`;

export class CommandError extends Error {
  override name = "CommandError";
}

/** What commands need: the database, quota counts for listings, the reset link's origin, and change notices. */
export type CommandDeps = Pick<AdminDeps, "onUserChanged"> & {
  database: { db: Db };
  limits: QuotaCounter;
  config: { readonly publicOrigin: string | null; readonly port: number };
};

const OPERATOR: Actor = { id: null, email: "operator (command line)", channel: "command" };

function flag(args: string[], name: string): number | undefined {
  const i = args.indexOf(name);
  if (i === -1) return undefined;
  const value = Number(args[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new CommandError(`${name} needs a positive integer, got "${args[i + 1] ?? ""}"`);
  return value;
}

/** Runs one operator command; returns what to print and the user id it changed. */
export async function runAdminCommand(deps: CommandDeps, args: string[]): Promise<{ output: string; changedUserId: number | null }> {
  const { db } = deps.database;
  const [command, email, plan] = args;
  if (!command || command === "help" || command === "--help") return { output: USAGE, changedUserId: null };
  if (command === "list") {
    const { users } = await searchUsers(db, deps.limits, { q: email, limit: 200 });
    const lines = users.map((u) => `${String(u.id).padStart(6)}  ${u.email}  ${u.role}  ${u.plan}  ${u.is_active ? "active" : "disabled"}  keys=${u.keys_active}  used=${u.quota_used}/${u.monthly_quota}`);
    return { output: lines.length ? lines.join("\n") : "No users.", changedUserId: null };
  }
  if (!email) throw new CommandError(`${command} needs an email.\n\n${USAGE}`);
  const user = await findUserByEmail(db, email);
  if (!user) throw new CommandError(`No user with email ${email}`);
  const change = async (patch: UserPatch) => {
    const changed = await patchUserAction(deps, OPERATOR, user.id, patch);
    if (!changed.ok) throw new CommandError(changed.message);
    return changed.user;
  };
  switch (command) {
    case "show": {
      const subs = await listSubscriptions(db, user.id);
      const lines = [
        `${user.email} (id ${user.id}) role=${user.role} plan=${user.plan} monthly_quota=${user.monthlyQuota} rate_limit_ceiling=${user.rateLimitCeiling ?? "plan default"} active=${user.isActive}`,
        ...subs.map((s) => `  subscription #${s.id}: ${s.plan} ${s.status} $${s.price} ${s.currency}/${s.billingCycle} ${s.currentPeriodStart.toISOString().slice(0, 10)}…${s.currentPeriodEnd.toISOString().slice(0, 10)}${s.note ? ` (${s.note})` : ""}`),
      ];
      return { output: lines.join("\n"), changedUserId: null };
    }
    case "set-plan": {
      if (!plan || !isPlanName(plan)) throw new CommandError(`set-plan needs a plan: ${PLAN_NAMES.join(", ")}`);
      const updated = await change({ plan, monthly_quota: flag(args, "--quota"), rate_limit_ceiling: flag(args, "--rate-limit-ceiling") ?? null });
      return { output: `${updated.email} is now on ${plan}: monthly_quota=${updated.monthlyQuota}, rate_limit_ceiling=${updated.rateLimitCeiling ?? PLANS[plan].rateLimit}`, changedUserId: user.id };
    }
    case "disable":
    case "enable":
      await change({ is_active: command === "enable" });
      return { output: `${user.email} is ${command}d`, changedUserId: user.id };
    case "promote":
    case "demote":
      await change({ role: command === "promote" ? "admin" : "user" });
      return { output: command === "promote" ? `${user.email} is now an admin: log in and open /admin` : `${user.email} is no longer an admin`, changedUserId: user.id };
    case "reset-password": {
      const link = await resetLinkAction(deps, OPERATOR, user.id);
      return { output: `Password-reset link for ${user.email} (valid until ${link!.expires_at}, single use):\n${link!.reset_url}`, changedUserId: null };
    }
    default:
      throw new CommandError(`Unknown command "${command}".\n\n${USAGE}`);
  }
}
