// A private HAProxy (Debian's) in front of test hubs: round robin, a /ready health check every 100 ms.
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Haproxy {
  base: string;
  pid: number;
  stop(): Promise<void>;
}

/** A free TCP port on loopback (bound, read, released). */
export function freePort(): number {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port!;
  probe.stop(true);
  return port;
}

/**
 * Starts HAProxy on a free port balancing over `backends` (http://127.0.0.1:PORT each), checking GET /ready.
 * By default each call gets its own connection to a hub (a restarted hub is never reached over a stale
 * connection); `reuseConnections` keeps them open, as a benchmark wants.
 */
export async function startHaproxy(backends: string[], options: { reuseConnections?: boolean } = {}): Promise<Haproxy> {
  const port = freePort();
  const dir = mkdtempSync(join(tmpdir(), "aihub-haproxy-"));
  const servers = backends.map((b, i) => `  server hub${i} ${new URL(b).host} check inter 100 fall 1 rise 2`).join("\n");
  const config = `global
  maxconn 4096
  nbthread 1
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
${options.reuseConnections ? "  http-reuse always" : "  option http-server-close"}
  # No retries: a call sent to a hub that stopped listening fails, as it would for a client without a proxy that retries.
  retries 0
frontend hubs
  bind 127.0.0.1:${port}
  default_backend hubs
backend hubs
  balance roundrobin
  option httpchk GET /ready
${servers}
`;
  writeFileSync(join(dir, "haproxy.cfg"), config);
  const bin = existsSync("/usr/sbin/haproxy") ? "/usr/sbin/haproxy" : "haproxy";
  const proc = Bun.spawn([bin, "-db", "-f", join(dir, "haproxy.cfg")], { stdout: "ignore", stderr: "pipe" });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (proc.exitCode !== null) throw new Error(`haproxy exited: ${await new Response(proc.stderr as ReadableStream).text()}`);
    if (await fetch(`${base}/health`).then((r) => r.ok, () => false)) break;
    await Bun.sleep(50);
  }
  return {
    base,
    pid: proc.pid,
    async stop() {
      proc.kill("SIGKILL");
      await proc.exited;
    },
  };
}
