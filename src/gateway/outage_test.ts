// Dependency failures: Redis going away gives a clear 503, nothing is charged, and the hub heals by itself.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKey, createTestHub, registerUser, type TestHub } from "../testing/harness.ts";

const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? "/usr/bin/redis-server";

function startRedis(port: number) {
  return Bun.spawn([REDIS_SERVER, "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", mkdtempSync(join(tmpdir(), "aihub-redis-"))], { stdout: "ignore", stderr: "ignore" });
}

async function waitForPort(port: number) {
  for (let i = 0; i < 100; i++) {
    try {
      const socket = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } });
      socket.end();
      return;
    } catch {
      await Bun.sleep(50);
    }
  }
  throw new Error(`redis on ${port} did not start`);
}

describe("a Redis outage", () => {
  const port = 16_000 + Math.floor(Math.random() * 4000);
  let redis: ReturnType<typeof startRedis>;
  let hub: TestHub;
  let key: string;
  let token: string;

  beforeAll(async () => {
    redis = startRedis(port);
    await waitForPort(port);
    hub = await createTestHub({ backend: "postgres", env: { REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_PREFIX: "outage", DEMO_CHUNK_DELAY_MS: "0" } });
    const account = await registerUser(hub);
    token = account.token;
    key = (await createKey(hub, token)).key;
  }, 60_000);
  afterAll(async () => {
    await hub.close();
    redis.kill("SIGKILL");
  });

  const chat = () => hub.request("/v1/chat/completions", { method: "POST", token: key, json: { model: "demo", messages: [{ role: "user", content: "hi" }] } });

  test("answers 503 while Redis is down and recovers without a restart, with the quota rebuilt from the database", async () => {
    expect((await chat()).status).toBe(200);
    expect((await chat()).status).toBe(200);
    await hub.runtime.flushUsage();

    redis.kill("SIGKILL");
    await redis.exited;
    const down = await chat();
    expect(down.status).toBe(503);
    const body = await down.json() as { error: { message: string; type: string } };
    expect(body.error.message).toContain("limits store is unavailable");
    expect(down.headers.get("retry-after")).toBe("1");
    const ready = await hub.app.handle(new Request("http://localhost/ready"));
    expect(ready.status).toBe(503);

    // A fresh, empty Redis: the counter must come back from PostgreSQL, not restart at zero.
    redis = startRedis(port);
    await waitForPort(port);
    let status = 0;
    for (let i = 0; i < 60 && status !== 200; i++) {
      await Bun.sleep(100);
      status = (await chat()).status;
    }
    expect(status).toBe(200);
    const me = await (await hub.request("/api/v1/auth/me", { token })).json() as { quota_used: number };
    expect(me.quota_used).toBe(3);
    expect((await hub.app.handle(new Request("http://localhost/ready"))).status).toBe(200);
  }, 30_000);
});
