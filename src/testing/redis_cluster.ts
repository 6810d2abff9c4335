// A private 3-master Redis Cluster (Debian's redis-server) on free ports in a temp dir, torn down after.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./haproxy.ts";

export interface RedisCluster {
  /** "127.0.0.1:PORT" of each master, as REDIS_CLUSTER_NODES takes them (comma-joined). */
  nodes: string[];
  /** The master serving `slot`, as "127.0.0.1:PORT". */
  masterOf(slot: number): Promise<string>;
  /** A snapshot of the slot map: slot → its master. */
  owners(): Promise<(slot: number) => string>;
  /** Kills every node (SIGKILL: the data is gone, as after a crash without persistence). */
  down(): Promise<void>;
  /** Starts the killed nodes again on their ports; they rejoin from nodes.conf; resolves once the cluster is ok. */
  up(): Promise<void>;
  /** Runs a command on `node` ("127.0.0.1:PORT") through redis-cli; returns its plain output. */
  run(node: string, ...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

const SERVER = "/usr/bin/redis-server";
const CLI = "/usr/bin/redis-cli";

async function cli(port: number, ...args: string[]): Promise<string> {
  const proc = Bun.spawn([CLI, "-h", "127.0.0.1", "-p", String(port), ...args], { stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  if ((await proc.exited) !== 0) throw new Error(`redis-cli ${args.join(" ")}: ${err || out}`);
  return out;
}

/** Starts `masters` cluster-mode redis-servers (no replicas), splits the 16384 slots between them, waits for "cluster_state:ok". */
export async function startRedisCluster(masters = 3): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), "aihub-redis-cluster-"));
  let procs: Array<ReturnType<typeof Bun.spawn>> = [];
  const ports: number[] = [];
  const startNodes = async () => {
    procs = ports.map((port) => Bun.spawn([SERVER, join(dir, String(port), "redis.conf")], { stdout: "ignore", stderr: "ignore" }));
    for (const port of ports) {
      for (let i = 0; ; i++) {
        if (await cli(port, "PING").then((r) => r.includes("PONG"), () => false)) break;
        if (i > 100) throw new Error(`redis-server on ${port} did not start`);
        await Bun.sleep(50);
      }
    }
  };
  const clusterOk = async () => {
    for (const port of ports) {
      for (let i = 0; !(await cli(port, "CLUSTER", "INFO")).includes("cluster_state:ok"); i++) {
        if (i > 200) throw new Error(`the cluster did not come up on ${port}`);
        await Bun.sleep(50);
      }
    }
  };
  const kill = async () => {
    for (const proc of procs) proc.kill("SIGKILL");
    await Promise.all(procs.map((p) => p.exited));
  };
  try {
    for (let i = 0; i < masters; i++) {
      const port = freePort();
      const home = join(dir, String(port));
      mkdirSync(home, { recursive: true });
      // The bus port is named too: the default (port + 10000) may be taken.
      writeFileSync(join(home, "redis.conf"), [
        `port ${port}`, `cluster-port ${freePort()}`, "bind 127.0.0.1", "cluster-enabled yes", "cluster-config-file nodes.conf",
        "cluster-node-timeout 5000", `dir ${home}`, 'save ""', "appendonly no", "protected-mode no",
      ].join("\n"));
      ports.push(port);
    }
    // A test process that dies without stop() leaves no server behind.
    process.once("exit", () => {
      for (const proc of procs) proc.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    });
    await startNodes();
    await cli(ports[0]!, "--cluster", "create", ...ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", "0", "--cluster-yes");
    await clusterOk();
  } catch (error) {
    for (const proc of procs) proc.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  /** A snapshot of the slot map, read from CLUSTER NODES ("<id> <host:port@bus> <flags> … <first>-<last> …"). */
  const owners = async () => {
    const ranges: Array<[number, number, string]> = [];
    for (const line of (await cli(ports[0]!, "CLUSTER", "NODES")).trim().split("\n")) {
      const fields = line.split(" ");
      for (const range of fields.slice(8)) {
        if (range.startsWith("[")) continue;
        const [first, last = first] = range.split("-").map(Number);
        ranges.push([first!, last!, fields[1]!.split("@")[0]!]);
      }
    }
    return (slot: number) => {
      const range = ranges.find(([first, last]) => slot >= first && slot <= last);
      if (!range) throw new Error(`no master serves slot ${slot}`);
      return range[2];
    };
  };
  return {
    nodes: ports.map((p) => `127.0.0.1:${p}`),
    masterOf: async (slot) => (await owners())(slot),
    owners,
    down: kill,
    async up() {
      await startNodes();
      await clusterOk();
    },
    run: (node, ...args) => cli(Number(node.split(":")[1]), ...args),
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
