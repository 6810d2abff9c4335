// A database that cannot be reached: every account route and console page answers 503 with Retry-After,
// and /ready says which dependency is down without naming where it lives.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type App, createApp } from "../app.ts";
import { type Database, openPostgres } from "../db/mod.ts";
import { createKey, createTestHub, registerUser, type TestHub } from "../testing/harness.ts";

// Port 1 on loopback: refused at once, like a stopped PostgreSQL.
const UNREACHABLE = "postgres://postgres@127.0.0.1:1/none";

describe("while the database is unreachable", () => {
  let hub: TestHub;
  let down: Database;
  let app: App;
  let token: string;
  let keyId: number;
  const logs: string[] = [];

  beforeAll(async () => {
    hub = await createTestHub({ backend: "pglite" });
    ({ token } = await registerUser(hub));
    keyId = (await createKey(hub, token)).id;
    down = await openPostgres(UNREACHABLE, { max: 2 });
    const { createLogger } = await import("../log.ts");
    app = createApp({ ...hub.runtime.deps, database: down, log: createLogger("warn", (line) => logs.push(line)) });
  }, 60_000);
  afterAll(async () => {
    await down?.close();
    await hub?.close();
  });

  const send = (path: string, init: { method?: string; json?: unknown; token?: string; headers?: Record<string, string> } = {}) =>
    app.handle(new Request(`http://localhost${path}`, {
      method: init.method ?? (init.json === undefined ? "GET" : "POST"),
      headers: { ...(init.json === undefined ? {} : { "content-type": "application/json" }), ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...init.headers },
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
    }));

  const accountRoutes: Array<[string, string, { json?: unknown; auth?: boolean }]> = [
    ["POST", "/api/v1/auth/register", { json: { email: "outage@example.com", password: "long enough password" } }],
    ["POST", "/api/v1/auth/login", { json: { email: "outage@example.com", password: "long enough password" } }],
    ["GET", "/api/v1/auth/me", { auth: true }],
    ["GET", "/api/v1/developer/api-keys", { auth: true }],
    ["POST", "/api/v1/developer/api-keys", { auth: true, json: { name: "during the outage" } }],
    ["DELETE", "/api/v1/developer/api-keys/KEY", { auth: true }],
    ["GET", "/api/v1/developer/usage/history?days=7", { auth: true }],
  ];
  for (const [method, path, options] of accountRoutes) {
    test(`${method} ${path.replace("KEY", ":id")} answers 503 with Retry-After: 1 in the {detail} shape`, async () => {
      const response = await send(path.replace("KEY", String(keyId)), { method, json: options.json, token: options.auth ? token : undefined });
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("1");
      expect(response.headers.get("x-request-id")).toBeTruthy();
      expect(await response.json()).toEqual({ detail: "Cannot complete the request: the database is unavailable. Retry shortly." });
    });
  }

  test("a console page answers an HTML 503 in the visitor's language and keeps the session cookie", async () => {
    const response = await send("/dashboard", { headers: { cookie: `aihub_session=${token}`, accept: "text/html", "accept-language": "en" } });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(await response.text()).toContain("The database cannot be reached right now");
    const zh = await send("/dashboard", { headers: { cookie: `aihub_session=${token}`, accept: "text/html", "accept-language": "zh-CN,zh;q=0.9" } });
    expect(zh.status).toBe(503);
    const page = await zh.text();
    expect(page).toContain('lang="zh-CN"');
    expect(page).toContain("数据库暂时无法连接");
    // Being logged out by an outage would be a second failure on top of the first.
    expect(response.headers.getSetCookie().some((c) => c.startsWith("aihub_session="))).toBe(false);
  });

  test("an htmx request gets a fragment to swap, not a whole page", async () => {
    const response = await send("/dashboard/api-keys", { headers: { cookie: `aihub_session=${token}`, "hx-request": "true" } });
    expect(response.status).toBe(503);
    const html = await response.text();
    expect(html.startsWith('<p class="alert" role="alert">')).toBe(true);
    expect(html).not.toContain("<html");
  });

  test("/ready names the dependency that is down and nothing more; the log keeps the details", async () => {
    const response = await send("/ready");
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ status: "unavailable", checks: { database: "unavailable" } });
    expect(text).not.toContain("127.0.0.1");
    expect(logs.some((line) => line.includes("readiness check failed") && line.includes('"check":"database"'))).toBe(true);
    expect((await send("/health")).status).toBe(200);
  });

  test("error bodies never carry the driver's message (hosts, ports)", async () => {
    const response = await send("/api/v1/auth/me", { token });
    const text = await response.text();
    expect(text).not.toContain("127.0.0.1");
    expect(text).not.toMatch(/ECONNREFUSED|Failed query/);
  });
});
