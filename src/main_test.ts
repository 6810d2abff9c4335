// The hub as a process: starts on the embedded default, keeps data across restarts, stops cleanly.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnHub } from "./testing/process.ts";

const BUN = process.execPath;

async function startHub(env: Record<string, string>) {
  const hub = await spawnHub({ LOG_LEVEL: "info", ...env });
  return { proc: hub.proc, base: hub.base };
}

describe("the hub process", () => {
  test("keeps accounts and keys across a restart and exits 0 on SIGTERM", async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), "aihub-main-")), "nested", "data");
    const env = { DATA_DIR: dataDir, PASSWORD_MEMORY_COST: "256", PASSWORD_TIME_COST: "1" };
    const first = await startHub(env);
    expect((await fetch(`${first.base}/ready`)).status).toBe(200);
    const reg = await fetch(`${first.base}/api/v1/auth/register`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "persist@example.com", password: "persist-me-please" }) });
    expect(reg.status).toBe(201);
    const { access_token } = await reg.json() as { access_token: string };
    const key = await (await fetch(`${first.base}/api/v1/developer/api-keys`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${access_token}` }, body: JSON.stringify({ name: "kept" }) })).json() as { id: number };
    first.proc.kill("SIGTERM");
    expect(await first.proc.exited).toBe(0);

    const second = await startHub(env);
    try {
      // The same JWT secret was kept, so the old session token still works.
      const keys = await (await fetch(`${second.base}/api/v1/developer/api-keys`, { headers: { authorization: `Bearer ${access_token}` } })).json() as Array<{ id: number; name: string }>;
      expect(keys).toEqual([expect.objectContaining({ id: key.id, name: "kept" })]);
      const login = await fetch(`${second.base}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "PERSIST@example.com", password: "persist-me-please" }) });
      expect(login.status).toBe(200);
    } finally {
      second.proc.kill("SIGTERM");
      expect(await second.proc.exited).toBe(0);
    }
  }, 90_000);

  test("WORKERS=2 runs two hub processes on one port (PostgreSQL + Redis) and all exit 0 on SIGTERM", async () => {
    const { freshPostgresUrl, REDIS_URL } = await import("./testing/databases.ts");
    const hub = await startHub({ DATABASE_URL: await freshPostgresUrl(), REDIS_URL, REDIS_PREFIX: `aihub-workers-${Date.now()}`, JWT_SECRET: "workers-secret-workers-secret-workers-42", WORKERS: "2" });
    const workers = () => readFileSync(`/proc/${hub.proc.pid}/task/${hub.proc.pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
    try {
      for (let i = 0; i < 100 && workers().length < 2; i++) await Bun.sleep(50);
      expect(workers()).toHaveLength(2);
      for (let i = 0; i < 8; i++) expect((await fetch(`${hub.base}/health`)).status).toBe(200);
    } finally {
      const children = workers();
      hub.proc.kill("SIGTERM");
      expect(await hub.proc.exited).toBe(0);
      for (const pid of children) expect(() => process.kill(pid, 0)).toThrow();
    }
  }, 90_000);

  test("PORT=0: links the hub makes (a password reset) name the port it serves", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "aihub-main-"));
    const hub = await spawnHub({ DATA_DIR: dataDir, PORT: "0" });
    try {
      const port = new URL(hub.base).port;
      const reg = await fetch(`${hub.base}/api/v1/auth/register`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "port0@example.com", password: "persist-me-please" }) });
      expect(reg.status).toBe(201);
      const cli = Bun.spawnSync([BUN, "src/admin/cli.ts", "reset-password", "port0@example.com"], { env: { ...process.env, DATA_DIR: dataDir, PORT: "0" } });
      expect(cli.stdout.toString()).toContain(`http://localhost:${port}/reset-password?token=`);
    } finally {
      await hub.stop();
    }
  }, 90_000);

  test("a second hub on a taken port exits 2 and says so; the first keeps serving", async () => {
    const first = await spawnHub({ DATA_DIR: mkdtempSync(join(tmpdir(), "aihub-main-")) });
    try {
      const port = new URL(first.base).port;
      const second = Bun.spawn([BUN, "src/main.ts"], { env: { ...process.env, PORT: port, HOST: "127.0.0.1", DATA_DIR: mkdtempSync(join(tmpdir(), "aihub-main-")) }, stdout: "pipe", stderr: "pipe" });
      expect(await second.exited).toBe(2);
      expect(await new Response(second.stderr).text()).toContain(`AI Hub cannot start: port ${port} on 127.0.0.1 is already in use`);
      expect((await fetch(`${first.base}/health`)).status).toBe(200);
    } finally {
      await first.stop();
    }
  }, 90_000);

  test("refuses WORKERS > 1 on the embedded default, saying why", async () => {
    const proc = Bun.spawn([BUN, "src/main.ts"], { env: { ...process.env, DATA_DIR: mkdtempSync(join(tmpdir(), "aihub-main-")), WORKERS: "2", DATABASE_URL: "", REDIS_URL: "" }, stdout: "pipe", stderr: "pipe" });
    expect(await proc.exited).toBe(2);
    expect(await new Response(proc.stderr).text()).toContain("AI Hub cannot start: WORKERS=2 needs DATABASE_URL and REDIS_URL");
  });

  test("refuses to start with a clear message when the configuration is wrong", async () => {
    const proc = Bun.spawn([BUN, "src/main.ts"], { env: { ...process.env, DATABASE_URL: "postgres://127.0.0.1/x", JWT_SECRET: "" }, stdout: "pipe", stderr: "pipe" });
    expect(await proc.exited).toBe(2);
    expect(await new Response(proc.stderr).text()).toContain("AI Hub cannot start: JWT_SECRET is required when DATABASE_URL is set");
  });

  test("says what to fix when PostgreSQL cannot be reached or the database does not exist, and exits 2", async () => {
    const start = async (databaseUrl: string) => {
      const proc = Bun.spawn([BUN, "src/main.ts"], { env: { ...process.env, DATABASE_URL: databaseUrl, JWT_SECRET: "main-test-secret-main-test-secret-0123456789", REDIS_URL: "" }, stdout: "pipe", stderr: "pipe" });
      return { code: await proc.exited, stderr: await new Response(proc.stderr).text() };
    };
    const unreachable = await start("postgres://postgres:secret-pw@127.0.0.1:1/none");
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain("AI Hub cannot start: cannot reach PostgreSQL at postgres://127.0.0.1:1/none (ECONNREFUSED). Start it, or fix DATABASE_URL.");
    expect(unreachable.stderr).not.toContain("secret-pw");
    const missing = await start(`postgres://postgres@127.0.0.1:5432/aihub_missing_${process.pid}`);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`AI Hub cannot start: PostgreSQL at postgres://127.0.0.1:5432/aihub_missing_${process.pid} says: database "aihub_missing_${process.pid}" does not exist. Create the database, or fix DATABASE_URL.`);
  }, 60_000);

  test("says what to fix when HOST is not an address of this machine, and exits 2", async () => {
    const proc = Bun.spawn([BUN, "src/main.ts"], { env: { ...process.env, DATA_DIR: mkdtempSync(join(tmpdir(), "aihub-main-")), HOST: "192.0.2.1", PORT: "0", DATABASE_URL: "", REDIS_URL: "" }, stdout: "pipe", stderr: "pipe" });
    expect(await proc.exited).toBe(2);
    expect(await new Response(proc.stderr).text()).toContain("AI Hub cannot start: cannot listen on 192.0.2.1: it is not an address of this machine (EADDRNOTAVAIL)");
  }, 60_000);

  test("gives up on a Redis that does not answer within 10 s, saying so; a second signal during start-up stops it at once", async () => {
    const { freshPostgresUrl } = await import("./testing/databases.ts");
    const env = { ...process.env, DATABASE_URL: await freshPostgresUrl(), JWT_SECRET: "main-test-secret-main-test-secret-0123456789", REDIS_URL: "redis://127.0.0.1:1", REDIS_PREFIX: `aihub-main-${process.pid}`, LOG_LEVEL: "info", PORT: "0" };
    const started = performance.now();
    const late = Bun.spawn([BUN, "src/main.ts"], { env, stdout: "pipe", stderr: "pipe" });
    expect(await late.exited).toBe(2);
    expect(await new Response(late.stderr).text()).toContain("AI Hub cannot start: Redis at redis://127.0.0.1:1 did not answer within 10 s");
    expect(performance.now() - started).toBeLessThan(40_000);

    // Stopped while it waits for Redis: the first SIGTERM is noted (it would stop once up), the second ends it now.
    const waiting = Bun.spawn([BUN, "src/main.ts"], { env, stdout: "pipe", stderr: "pipe" });
    let out = "";
    const reader = (waiting.stdout as ReadableStream<Uint8Array>).getReader();
    while (!out.includes("redis error")) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`the hub ended before it tried Redis: ${out}`);
      out += new TextDecoder().decode(value);
    }
    waiting.kill("SIGTERM");
    while (!out.includes("stopping once start-up is done")) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`the hub ended on the first signal: ${out}`);
      out += new TextDecoder().decode(value);
    }
    const signalled = performance.now();
    waiting.kill("SIGTERM");
    expect(await waiting.exited).toBe(143);
    expect(performance.now() - signalled).toBeLessThan(2_000);
    expect(await new Response(waiting.stderr).text()).toContain("AI Hub stopped before it finished starting.");
  }, 90_000);

  test("/ready is 503 when PostgreSQL cannot be reached, while /health stays 200", async () => {
    const { createTestHub } = await import("./testing/harness.ts");
    const { openPostgres } = await import("./db/mod.ts");
    const hub = await createTestHub({ backend: "pglite" });
    const unreachable = await openPostgres("postgres://postgres@127.0.0.1:1/none");
    const { createApp } = await import("./app.ts");
    const app = createApp({ ...hub.runtime.deps, database: unreachable });
    try {
      expect((await app.handle(new Request("http://localhost/health"))).status).toBe(200);
      const ready = await app.handle(new Request("http://localhost/ready"));
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: "unavailable", checks: { database: "unavailable" } });
    } finally {
      await unreachable.close();
      await hub.close();
    }
    // Opening PGlite alone takes seconds on a busy machine: the 5 s default was too tight.
  }, 60_000);
});
