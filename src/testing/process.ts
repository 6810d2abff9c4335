// Runs real hub processes for tests: its own port, its own environment, stopped or killed on demand.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface HubProcess {
  base: string;
  proc: ReturnType<typeof Bun.spawn>;
  /** What the hub wrote so far (the last MB of stdout and stderr). */
  output(): Promise<string>;
  stop(signal?: NodeJS.Signals | number): Promise<number>;
}

/**
 * Starts `bun src/main.ts` with `env` (its own data directory unless `env` names one), on a port the system picks
 * (PORT=0, read back from the hub's start line) unless `env.PORT` names one, and waits until /health answers.
 */
export async function spawnHub(env: Record<string, string>): Promise<HubProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), "aihub-hub-"));
  const proc = Bun.spawn([process.execPath, "src/main.ts"], {
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "warn", SHUTDOWN_DRAIN_MS: "0", SHUTDOWN_GRACE_MS: "5000", PASSWORD_MEMORY_COST: "256", PASSWORD_TIME_COST: "1", BUN_CONFIG_MAX_HTTP_REQUESTS: "4096", DATA_DIR: dataDir, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  // Drained as it comes: a hub logging through an outage would otherwise fill the pipe and block on write.
  let text = "";
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    const reader = stream.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text = (text + decoder.decode(chunk.value, { stream: true })).slice(-1_000_000);
  };
  const drained = Promise.all([drain(proc.stdout as ReadableStream<Uint8Array>), drain(proc.stderr as ReadableStream<Uint8Array>)]).catch(() => {});
  const output = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) await drained;
    return text;
  };
  for (let i = 0; i < 600; i++) {
    if (proc.exitCode !== null) break;
    const started = /AI Hub is running at http:\/\/localhost:(\d+)/.exec(text);
    if (started) {
      const base = `http://127.0.0.1:${started[1]}`;
      try {
        if ((await fetch(`${base}/health`)).ok) {
          return { base, proc, output, stop: async (signal = "SIGTERM") => (proc.kill(signal), await proc.exited) };
        }
      } catch {}
    }
    await Bun.sleep(50);
  }
  proc.kill("SIGKILL");
  await proc.exited;
  throw new Error(`hub did not start: ${await output()}`);
}

/** JSON POST/GET helper for a hub process. */
export async function call(base: string, path: string, init: { method?: string; token?: string; json?: unknown } = {}): Promise<Response> {
  return await fetch(`${base}${path}`, {
    method: init.method ?? (init.json === undefined ? "GET" : "POST"),
    headers: { ...(init.json === undefined ? {} : { "content-type": "application/json" }), ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
}
