// A throwaway PostgreSQL cluster of a test's own (Debian's initdb/pg_ctl), so it can be stopped and started
// without touching the machine's shared server on 5432.
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres (trust auth). */
  url: string;
  port: number;
  /** `pg_ctl stop -m fast`: sessions are terminated (57P01), new connections refused. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the cluster (immediately) and deletes its directory; safe to call twice. */
  destroy(): Promise<void>;
}

const live = new Set<string>();

/** Runs a PostgreSQL tool as the `postgres` OS user when we are root (initdb refuses to run as root). */
function asPostgres(args: string[]): string[] {
  return process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--", ...args] : args;
}

async function run(args: string[]): Promise<void> {
  const proc = Bun.spawn(asPostgres(args), { stdout: "pipe", stderr: "pipe" });
  const code = await proc.exited;
  if (code !== 0) throw new Error(`${args[0]} exited ${code}: ${await new Response(proc.stderr).text()}${await new Response(proc.stdout).text()}`);
}

async function freePort(): Promise<number> {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = server.port;
  server.stop(true);
  return port;
}

/** initdb + start a private cluster in a temporary directory, on a free port, listening on loopback only. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), "aihub-pg-"));
  const data = join(dir, "data");
  if (process.getuid?.() === 0) {
    const pw = Bun.spawnSync(["id", "-u", "postgres"]);
    const gid = Bun.spawnSync(["id", "-g", "postgres"]);
    chownSync(dir, Number(pw.stdout.toString()), Number(gid.stdout.toString()));
  }
  const port = await freePort();
  await run(["initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "--no-instructions"]);
  // Durability is not under test here; the socket goes to our own directory, TCP to loopback only.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100`;
  const start = () => run(["pg_ctl", "start", "-D", data, "-w", "-t", "30", "-l", join(dir, "server.log"), "-o", options]);
  const stop = (mode: "fast" | "immediate") => run(["pg_ctl", "stop", "-D", data, "-w", "-t", "30", "-m", mode]);
  live.add(data);
  try {
    await start();
  } catch (error) {
    live.delete(data);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  let destroyed = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop: () => stop("fast"),
    start,
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      await stop("immediate").catch(() => {});
      live.delete(data);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// A test that dies before its afterAll must still not leave a postmaster behind.
process.on("exit", () => {
  for (const data of live) Bun.spawnSync(asPostgres(["pg_ctl", "stop", "-D", data, "-m", "immediate"]), { stdout: "ignore", stderr: "ignore" });
});
