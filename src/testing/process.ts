// Runs real hub processes for tests: its own port, its own environment, stopped or killed on demand.

export interface HubProcess {
  base: string;
  proc: ReturnType<typeof Bun.spawn>;
  output(): Promise<string>;
  stop(signal?: NodeJS.Signals | number): Promise<number>;
}

/** Starts `bun src/main.ts` with `env` and waits until /health answers; tries another port when the random one is taken. */
export async function spawnHub(env: Record<string, string>): Promise<HubProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await spawnHubOnce(env);
    } catch (error) {
      if (attempt >= 3 || !String((error as Error).message).includes("EADDRINUSE")) throw error;
    }
  }
}

async function spawnHubOnce(env: Record<string, string>): Promise<HubProcess> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const proc = Bun.spawn([process.execPath, "src/main.ts"], {
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn", PASSWORD_MEMORY_COST: "256", PASSWORD_TIME_COST: "1", BUN_CONFIG_MAX_HTTP_REQUESTS: "4096", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const base = `http://127.0.0.1:${port}`;
  const output = async () => `${await new Response(proc.stdout as ReadableStream).text()}${await new Response(proc.stderr as ReadableStream).text()}`;
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) break;
    try {
      if ((await fetch(`${base}/health`)).ok) {
        return { base, proc, output, stop: async (signal = "SIGTERM") => (proc.kill(signal), await proc.exited) };
      }
    } catch {}
    await Bun.sleep(100);
  }
  proc.kill("SIGKILL");
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
