// A private PgBouncer (Debian's) in transaction mode in front of the test PostgreSQL, on a free port of its own.
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./haproxy.ts";

export interface Pgbouncer {
  /** `databaseUrl` with PgBouncer's host and port instead of PostgreSQL's. */
  url: string;
  port: number;
  /** Runs a command on PgBouncer's admin console (the `pgbouncer` pseudo-database), e.g. "show pools". */
  admin(command: string): Promise<Array<Record<string, unknown>>>;
  stop(): Promise<void>;
}

const live = new Set<ReturnType<typeof Bun.spawn>>();

/**
 * Starts PgBouncer (pool_mode=transaction, trust auth, at most `poolSize` server connections per database and user)
 * for the PostgreSQL at `databaseUrl`. As root it runs as the `postgres` user: PgBouncer refuses to run as root.
 */
export async function startPgbouncer(databaseUrl: string, options: { poolSize?: number } = {}): Promise<Pgbouncer> {
  const target = new URL(databaseUrl);
  const user = decodeURIComponent(target.username) || "postgres";
  const dir = mkdtempSync(join(tmpdir(), "aihub-pgbouncer-"));
  const port = freePort();
  writeFileSync(join(dir, "userlist.txt"), `"${user}" ""\n`);
  // postgres.js sends extra_float_digits at start-up on some versions: PgBouncer must not refuse it.
  writeFileSync(join(dir, "pgbouncer.ini"), `[databases]
* = host=${target.hostname} port=${target.port || 5432}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
auth_type = trust
auth_file = ${join(dir, "userlist.txt")}
admin_users = ${user}
pool_mode = transaction
default_pool_size = ${options.poolSize ?? 4}
max_client_conn = 500
ignore_startup_parameters = extra_float_digits,options
server_reset_query =
logfile = ${join(dir, "pgbouncer.log")}
log_connections = 0
log_disconnections = 0
pidfile =
`);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(Bun.spawnSync(["id", "-u", "postgres"]).stdout.toString());
    const gid = Number(Bun.spawnSync(["id", "-g", "postgres"]).stdout.toString());
    for (const path of [dir, join(dir, "pgbouncer.ini"), join(dir, "userlist.txt")]) chownSync(path, uid, gid);
  }
  const bin = existsSync("/usr/sbin/pgbouncer") ? "/usr/sbin/pgbouncer" : "pgbouncer";
  const proc = Bun.spawn([bin, ...(asRoot ? ["-u", "postgres"] : []), join(dir, "pgbouncer.ini")], { stdout: "ignore", stderr: "ignore" });
  live.add(proc);
  const stop = async () => {
    proc.kill("SIGKILL");
    await proc.exited;
    live.delete(proc);
    rmSync(dir, { recursive: true, force: true });
  };
  const url = new URL(databaseUrl);
  url.hostname = "127.0.0.1";
  url.port = String(port);
  const adminUrl = new URL(url);
  adminUrl.pathname = "/pgbouncer";
  const { default: postgres } = await import("postgres");
  const admin = async (command: string) => {
    // The admin console speaks only the simple query protocol.
    const client = postgres(adminUrl.toString(), { max: 1, prepare: false, fetch_types: false, onnotice: () => {}, connect_timeout: 2 });
    try {
      return [...await client.unsafe(command).simple()] as Array<Record<string, unknown>>;
    } finally {
      await client.end({ timeout: 1 });
    }
  };
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) {
      const output = await Bun.file(join(dir, "pgbouncer.log")).text().catch(() => "(no log)");
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`pgbouncer exited ${proc.exitCode}: ${output}`);
    }
    if (await admin("show version").then(() => true, () => false)) break;
    if (i > 100) {
      await stop();
      throw new Error("pgbouncer did not accept connections within 5 s");
    }
    await Bun.sleep(50);
  }
  return { url: url.toString(), port, admin, stop };
}

// A test that dies before its afterAll must still not leave a PgBouncer behind.
process.on("exit", () => {
  for (const proc of live) proc.kill("SIGKILL");
});
