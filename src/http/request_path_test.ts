// Requests whose Host cannot be parsed: the path comes from the raw URL, and a real hub answers them without dying.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BACKENDS, freshPostgresUrl } from "../testing/databases.ts";
import { TEST_JWT_SECRET } from "../testing/harness.ts";
import { type HubProcess, spawnHub } from "../testing/process.ts";
import { rawRequest } from "../testing/raw_http.ts";
import { plainHost, requestPath, requestTarget } from "./request_path.ts";

const withUrl = (url: string) => ({ url, headers: new Headers() }) as Request;

describe("requestPath()", () => {
  test("takes the path after the scheme and authority, without the query", () => {
    expect(requestPath(withUrl("http://localhost/api/v1/auth/me?x=1#f"))).toBe("/api/v1/auth/me");
    expect(requestPath(withUrl("http://a b:3000/health"))).toBe("/health");
    expect(requestPath(withUrl("http://<x>"))).toBe("/");
  });

  test("reads the bare '/path' Bun gives when the Host is missing or malformed", () => {
    expect(requestPath(withUrl("/health?x=1"))).toBe("/health");
    expect(requestPath(withUrl("/"))).toBe("/");
    expect(requestPath(withUrl(""))).toBe("/");
  });
});

describe("requestTarget()", () => {
  test("takes the path and query, without the fragment", () => {
    expect(requestTarget(withUrl("http://localhost/dashboard/logs?model=m&status=5xx#f"))).toBe("/dashboard/logs?model=m&status=5xx");
    expect(requestTarget(withUrl("http://localhost/a#x?y"))).toBe("/a");
    expect(requestTarget(withUrl("/usage?days=90"))).toBe("/usage?days=90");
    expect(requestTarget(withUrl("http://<x>"))).toBe("/");
  });
});

describe("plainHost()", () => {
  test("passes host names and addresses with ports, refuses anything else", () => {
    const host = (value: string) => plainHost(new Request("http://localhost/", { headers: { host: value } }));
    expect(host("hub.example.com:3000")).toBe("hub.example.com:3000");
    expect(host("[::1]:3000")).toBe("[::1]:3000");
    for (const bad of ["a b", "<x>", 'x"y', "{x}", "x|y", "x^y", "evil.com/path", "x@y"]) expect(host(bad)).toBeNull();
  });
});

describe("a listening hub (LOG_LEVEL=debug) and requests with unusable Hosts", () => {
  let hub: HubProcess;
  let port: number;
  beforeAll(async () => {
    const storage: Record<string, string> = BACKENDS.includes("postgres") ? { DATABASE_URL: await freshPostgresUrl() } : { DATA_DIR: mkdtempSync(join(tmpdir(), "aihub-host-")) };
    hub = await spawnHub({ ...storage, JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: "debug" });
    port = Number(new URL(hub.base).port);
  }, 60_000);
  afterAll(async () => {
    await hub?.stop();
  });

  const cases: Array<[string, string]> = [
    ["HTTP/1.0 without Host to /health", "GET /health HTTP/1.0\r\n\r\n"],
    ["HTTP/1.0 without Host to an unknown API path", "GET /api/v1/nope HTTP/1.0\r\n\r\n"],
    ["HTTP/1.0 without Host to a console page", "GET /login HTTP/1.0\r\n\r\n"],
    ["Host: a b to an unknown path", "GET /nope HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n"],
    ["Host: <x> to a console page", "GET /login HTTP/1.1\r\nHost: <x>\r\nConnection: close\r\n\r\n"],
    ["Host: <x> to the API reference", "GET /reference HTTP/1.1\r\nHost: <x>\r\nConnection: close\r\n\r\n"],
    ["Host: {|^} to an OpenAI route", "GET /v1/models HTTP/1.1\r\nHost: {|^\"}\r\nConnection: close\r\n\r\n"],
    ["Host: a b with a bad login body", "POST /api/v1/auth/login HTTP/1.1\r\nHost: a b\r\nContent-Type: application/json\r\nContent-Length: 3\r\nConnection: close\r\n\r\n{x}"],
  ];

  for (const [name, raw] of cases) {
    test(`${name}: an answer without a stack trace, and the hub stays up`, async () => {
      const answer = await rawRequest(port, raw);
      expect(answer.status).toBeGreaterThanOrEqual(200);
      expect(answer.status).toBeLessThan(500);
      expect(answer.headers["x-request-id"]).toBeTruthy();
      expect(answer.body).not.toMatch(/\bat <anonymous>|\.ts:\d+|\/work\/|node_modules|Internal Server Error/);
      expect(hub.proc.exitCode).toBeNull();
      expect((await fetch(`${hub.base}/health`)).status).toBe(200);
    });
  }

  test("API paths answer in their own error shape", async () => {
    const api = await rawRequest(port, "GET /api/v1/nope HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n");
    expect(api.status).toBe(404);
    expect(JSON.parse(api.body)).toEqual({ detail: "No route for GET /api/v1/nope" });
    const openai = await rawRequest(port, "GET /v1/nope HTTP/1.1\r\nHost: <x>\r\nConnection: close\r\n\r\n");
    expect(openai.status).toBe(404);
    expect(JSON.parse(openai.body).error).toMatchObject({ code: "not_found", type: "invalid_request_error" });
  });
});
