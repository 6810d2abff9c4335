// Operator commands: set a user's plan (recorded as a subscription), custom limits, disable/enable.
import { findUserByEmail, listSubscriptions, setUserActive, setUserPlan } from "../auth/mod.ts";
import type { Db } from "../db/mod.ts";
import { isPlanName, PLANS } from "../plans/mod.ts";

export const USAGE = `Usage: bun run admin <command> [arguments]

  show <email>                                   the user, plan and subscriptions
  set-plan <email> <free|pro|enterprise> [--quota N] [--rate-limit-ceiling N]
                                                 change plan; custom limits for enterprise deals
  disable <email>                                block log-in and every API key of the user
  enable <email>                                 undo disable`;

export class CommandError extends Error {
  override name = "CommandError";
}

function flag(args: string[], name: string): number | undefined {
  const i = args.indexOf(name);
  if (i === -1) return undefined;
  const value = Number(args[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new CommandError(`${name} needs a positive integer, got "${args[i + 1] ?? ""}"`);
  return value;
}

/** Runs one operator command; returns what to print and the user id it changed (to refresh caches). */
export async function runAdminCommand(db: Db, args: string[]): Promise<{ output: string; changedUserId: number | null }> {
  const [command, email, plan] = args;
  if (!command || command === "help" || command === "--help") return { output: USAGE, changedUserId: null };
  if (!email) throw new CommandError(`${command} needs an email.\n\n${USAGE}`);
  const user = await findUserByEmail(db, email);
  if (!user) throw new CommandError(`No user with email ${email}`);
  switch (command) {
    case "show": {
      const subs = await listSubscriptions(db, user.id);
      const lines = [
        `${user.email} (id ${user.id}) plan=${user.plan} monthly_quota=${user.monthlyQuota} rate_limit_ceiling=${user.rateLimitCeiling ?? "plan default"} active=${user.isActive}`,
        ...subs.map((s) => `  subscription #${s.id}: ${s.plan} ${s.status} $${s.price} ${s.currency}/${s.billingCycle} ${s.currentPeriodStart.toISOString().slice(0, 10)}…${s.currentPeriodEnd.toISOString().slice(0, 10)}${s.note ? ` (${s.note})` : ""}`),
      ];
      return { output: lines.join("\n"), changedUserId: null };
    }
    case "set-plan": {
      if (!plan || !isPlanName(plan)) throw new CommandError(`set-plan needs a plan: ${Object.keys(PLANS).join(", ")}`);
      const updated = await setUserPlan(db, user.id, plan, { monthlyQuota: flag(args, "--quota"), rateLimitCeiling: flag(args, "--rate-limit-ceiling") ?? null });
      return { output: `${updated!.email} is now on ${plan}: monthly_quota=${updated!.monthlyQuota}, rate_limit_ceiling=${updated!.rateLimitCeiling ?? PLANS[plan].rateLimit}`, changedUserId: user.id };
    }
    case "disable":
    case "enable": {
      await setUserActive(db, user.id, command === "enable");
      return { output: `${user.email} is ${command}d`, changedUserId: user.id };
    }
    default:
      throw new CommandError(`Unknown command "${command}".\n\n${USAGE}`);
  }
}
