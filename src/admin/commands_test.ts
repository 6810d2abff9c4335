// Operator commands on both backends.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { BACKENDS } from "../testing/databases.ts";
import { createKey, createTestHub, registerUser, type TestHub } from "../testing/harness.ts";
import { CommandError, runAdminCommand } from "./commands.ts";

for (const backend of BACKENDS) {
  describe(`admin commands on ${backend}`, () => {
    let hub: TestHub;
    beforeAll(async () => {
      hub = await createTestHub({ backend });
    }, 60_000);
    afterAll(() => hub.close());

    test("set-plan records a subscription and raises the quota and key limits", async () => {
      const { email, token } = await registerUser(hub);
      const db = hub.runtime.deps.database.db;
      const { output } = await runAdminCommand(hub.runtime.deps, ["set-plan", email.toUpperCase(), "pro"]);
      expect(output).toContain("monthly_quota=100000");
      const me = await (await hub.request("/api/v1/auth/me", { token })).json() as { plan: string; monthly_quota: number };
      expect(me).toMatchObject({ plan: "pro", monthly_quota: 100000 });
      const shown = (await runAdminCommand(hub.runtime.deps, ["show", email])).output;
      expect(shown).toMatch(/subscription #\d+: free cancelled/);
      expect(shown).toMatch(/subscription #\d+: pro active \$29 USD\/monthly/);
      expect((await hub.request("/api/v1/developer/api-keys", { method: "POST", token, json: { name: "fast", rate_limit: 600 } })).status).toBe(201);
    });

    test("custom limits give a quota and a rate-limit ceiling above the plan's", async () => {
      const { email, token } = await registerUser(hub);
      await runAdminCommand(hub.runtime.deps, ["set-plan", email, "enterprise", "--quota", "50000000", "--rate-limit-ceiling", "1000000"]);
      const key = await createKey(hub, token, { rate_limit: 1_000_000 });
      expect(key.rate_limit).toBe(1_000_000);
      const me = await (await hub.request("/api/v1/auth/me", { token })).json() as { monthly_quota: number };
      expect(me.monthly_quota).toBe(50_000_000);
    });

    test("disable blocks the account and its keys; enable restores them", async () => {
      const { email, token } = await registerUser(hub);
      const key = await createKey(hub, token);
      const db = hub.runtime.deps.database.db;
      const { changedUserId } = await runAdminCommand(hub.runtime.deps, ["disable", email]);
      hub.runtime.deps.onUserChanged(changedUserId!);
      expect((await hub.request("/api/v1/auth/me", { token })).status).toBe(403);
      expect(await hub.runtime.deps.keys.verify(key.key)).toEqual({ valid: false, code: "USER_DISABLED" });
      await runAdminCommand(hub.runtime.deps, ["enable", email]);
      hub.runtime.deps.onUserChanged(changedUserId!);
      expect((await hub.request("/api/v1/auth/me", { token })).status).toBe(200);
      expect((await hub.runtime.deps.keys.verify(key.key)).valid).toBe(true);
    });

    test("bad commands say what is wrong", async () => {
      const db = hub.runtime.deps.database.db;
      const { email } = await registerUser(hub);
      await expect(runAdminCommand(hub.runtime.deps, ["set-plan", email, "platinum"])).rejects.toThrow(CommandError);
      await expect(runAdminCommand(hub.runtime.deps, ["set-plan", "nobody@example.com", "pro"])).rejects.toThrow("No user with email");
      await expect(runAdminCommand(hub.runtime.deps, ["set-plan", email, "pro", "--quota", "-5"])).rejects.toThrow("--quota needs a positive integer");
      await expect(runAdminCommand(hub.runtime.deps, ["frobnicate", email])).rejects.toThrow("Unknown command");
      expect((await runAdminCommand(hub.runtime.deps, [])).output).toContain("Usage: npm run admin");
    });
  });
}
