// `npm run admin` while the hub runs on the embedded default: the command goes over the loopback channel.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { statSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { call, type HubProcess, spawnHub } from "../testing/process.ts";
import { CHANNEL_FILE } from "./channel.ts";

async function admin(dataDir: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const proc = Bun.spawn([process.execPath, "src/admin/cli.ts", ...args], { env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: "warn" }, stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  return { code: await proc.exited, out, err };
}

describe("admin commands while the hub runs on the embedded default", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "aihub-channel-"));
  let hub: HubProcess;
  beforeAll(async () => {
    hub = await spawnHub({ DATA_DIR: dataDir });
  }, 60_000);
  afterAll(async () => {
    await hub?.stop();
  });

  test("promote works while the hub runs, and the admin API then answers the promoted user", async () => {
    const email = `cli-${Date.now()}@example.com`;
    const registered = (await (await call(hub.base, "/api/v1/auth/register", { json: { email, password: "cli-password-1" } })).json()) as { access_token: string };
    expect((await call(hub.base, "/api/v1/admin/users", { token: registered.access_token })).status).toBe(403);
    expect(statSync(join(dataDir, CHANNEL_FILE)).mode & 0o777).toBe(0o600);

    const promoted = await admin(dataDir, "promote", email);
    expect(promoted).toMatchObject({ code: 0 });
    expect(promoted.out).toContain("is now an admin");
    const listed = await call(hub.base, `/api/v1/admin/users?q=${encodeURIComponent(email)}`, { token: registered.access_token });
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { users: Array<{ role: string }> }).users[0]!.role).toBe("admin");

    expect((await admin(dataDir, "list")).out).toContain(`${email}  admin  free  active`);
    const reset = await admin(dataDir, "reset-password", email);
    expect(reset.out).toMatch(/\/reset-password\?token=[\w-]{43}/);
    const demoteLast = await admin(dataDir, "demote", email);
    expect(demoteLast.code).toBe(1);
    expect(demoteLast.err).toContain("last admin");
    expect((await admin(dataDir, "set-plan", email, "pro")).out).toContain("is now on pro");
    expect((await admin(dataDir, "show", email)).out).toContain("role=admin plan=pro");

    const audit = (await (await call(hub.base, "/api/v1/admin/audit?actor=operator", { token: registered.access_token })).json()) as { entries: Array<{ action: string; channel: string }> };
    expect(audit.entries.map((e) => e.action)).toEqual(["user.update", "user.password_reset_link", "user.promote"]);
    expect(audit.entries.every((e) => e.channel === "command")).toBe(true);
  }, 60_000);

  test("with the hub stopped, the command opens the database itself", async () => {
    await hub.stop();
    const listed = await admin(dataDir, "list");
    expect(listed.code).toBe(0);
    expect(listed.out).toContain("admin  pro  active");
  }, 60_000);
});
