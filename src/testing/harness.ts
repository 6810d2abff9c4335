// Builds a hub for tests on a chosen backend (with or without Redis) and drives it as a listening hub routes:
// the metered POSTs through their native routes, everything else through app.handle.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type App, createApp } from "../app.ts";
import { loadConfig } from "../config.ts";
import { nativeGatewayRoutes } from "../gateway/mod.ts";
import { createLogger } from "../log.ts";
import type { Database } from "../db/mod.ts";
import { openRuntime, type Runtime } from "../runtime.ts";
import { type Backend, REDIS_URL, testDatabase } from "./databases.ts";

export const TEST_JWT_SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789";

export interface TestHub {
  app: App;
  runtime: Runtime;
  backend: Backend;
  /** Every log line the hub wrote. */
  logs: string[];
  request(path: string, init?: RequestInit & { json?: unknown; token?: string }): Promise<Response>;
  close(): Promise<void>;
}

let hubCount = 0;

/**
 * A hub on `backend`, with Redis limits when `redis` is set (true: the shared Redis; or a cluster's nodes); extra env
 * configures upstreams etc. `database`: an already migrated database of `backend` instead of the process's shared one
 * (e.g. reached through PgBouncer).
 */
export async function createTestHub(options: { backend: Backend; redis?: boolean | { clusterNodes: string[] }; env?: Record<string, string>; database?: Database }): Promise<TestHub> {
  const database = options.database ?? await testDatabase(options.backend);
  const config = loadConfig({
    DATA_DIR: mkdtempSync(join(tmpdir(), "aihub-test-")),
    JWT_SECRET: TEST_JWT_SECRET,
    PASSWORD_MEMORY_COST: "256",
    PASSWORD_TIME_COST: "1",
    TRUST_PROXY: "true",
    LOG_LEVEL: "debug",
    // Test hubs share one database: only suites that ask for them run the mail and webhook senders.
    NOTIFY_WORKERS: "off",
    ...(options.redis ? { ...(options.redis === true ? { REDIS_URL } : { REDIS_CLUSTER_NODES: options.redis.clusterNodes.join(",") }), REDIS_PREFIX: `aihub-test-${process.pid}-${Date.now().toString(36)}-${hubCount++}` } : {}),
    ...options.env,
  });
  const logs: string[] = [];
  const runtime = await openRuntime(config, createLogger("debug", (line) => logs.push(line)), { database, skipMigrate: true });
  const app = createApp(runtime.deps);
  const native = nativeGatewayRoutes(runtime.deps);
  return {
    app,
    runtime,
    backend: options.backend,
    logs,
    request(path, init = {}) {
      const headers = new Headers(init.headers);
      let body = init.body;
      if (init.json !== undefined) {
        headers.set("content-type", "application/json");
        body = JSON.stringify(init.json);
      }
      if (init.token) headers.set("authorization", `Bearer ${init.token}`);
      if (!headers.has("x-forwarded-for")) headers.set("x-forwarded-for", `10.0.${hubCount}.${Math.floor(Math.random() * 250)}`);
      const request = new Request(`http://localhost${path}`, { ...init, headers, body });
      // Bun's router takes a native route's exact path and method first, as in a listening hub.
      const route = request.method === "POST" ? native[new URL(request.url).pathname] : undefined;
      return route ? route.POST(request) : app.handle(request);
    },
    close: () => runtime.close(),
  };
}

let userCount = 0;

/** Registers a fresh user through the API; returns its token and user. */
export async function registerUser(hub: TestHub, overrides: { email?: string; password?: string; full_name?: string } = {}) {
  const email = overrides.email ?? `user${Date.now().toString(36)}${userCount++}${Math.random().toString(36).slice(2, 6)}@example.com`;
  const password = overrides.password ?? "correct horse battery";
  const response = await hub.request("/api/v1/auth/register", { method: "POST", json: { email, password, full_name: overrides.full_name ?? "Test User" } });
  if (response.status !== 201) throw new Error(`register failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { access_token: string; user: { id: number; email: string } };
  return { token: body.access_token, user: body.user, email, password };
}

/** Creates an API key through the API; returns the secret and the key view. */
export async function createKey(hub: TestHub, token: string, body: Record<string, unknown> = {}) {
  const response = await hub.request("/api/v1/developer/api-keys", { method: "POST", token, json: { name: "test key", ...body } });
  if (response.status !== 201) throw new Error(`create key failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: number; key: string; key_prefix: string; rate_limit: number | null };
}
