// The fuzz suite (issue 8): random requests to every route of a live hub process — methods, headers, bodies (deep
// nesting, huge arrays, control characters, wrong types, invalid UTF-8) and raw-socket oddities (Hosts, HTTP/1.0) —
// and never a 5xx, always the route's error shape, the hub alive and its memory bounded.
// FUZZ_RUNS scales the run (default 10,000 HTTP requests); FUZZ_SEED replays one.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../app.ts";
import { SESSION_COOKIE } from "../auth/session_plugin.ts";
import { loadConfig } from "../config.ts";
import { createLogger } from "../log.ts";
import { BACKENDS, freshPostgresUrl } from "../testing/databases.ts";
import { TEST_JWT_SECRET } from "../testing/harness.ts";
import { type HubProcess, spawnHub } from "../testing/process.ts";
import { rawRequest } from "../testing/raw_http.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const RAW_RUNS = Math.max(50, Math.round(RUNS / 20));
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() ^ (Math.random() * 0x7fffffff);
/** Resident memory the hub may gain over the whole run. */
const RSS_BOUND_MB = 300;
const CONCURRENCY = 4;

/** Every route the app serves, read from a hub built on stub dependencies (building routes touches no database). */
function appRoutes(): Array<{ method: string; path: string }> {
  const config = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), "aihub-fuzz-routes-")), JWT_SECRET: TEST_JWT_SECRET });
  const stub = { config, log: createLogger("silent"), database: { db: {}, ping: async () => {} }, redis: null, limits: {}, keys: {}, onKeyRevoked() {}, onUserChanged() {}, clientAddress: () => "stub" };
  return createApp(stub as never).routes.map((r) => ({ method: r.method, path: r.path }));
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"))!;
  return Number(line.replace(/\D+/g, "")) / 1024;
}

// ---- arbitraries ------------------------------------------------------------------------------------------------

const controlText = fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 40 });
const oddText = fc.oneof(
  fc.string({ maxLength: 40 }),
  controlText,
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("", " ", "\u0000", "\ud800", "\udfff", "a\u0000b", "\u202e", "😀", "%00", "../../etc/passwd", "<script>", "__proto__", "constructor", "x".repeat(300), "x".repeat(5000)),
);
const oddNumber = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 1e308, -1e308, 2 ** 53, 0.5, Number.MAX_SAFE_INTEGER));
/** Values for the fields the hub's payloads name, of every type. */
const fieldValue: fc.Arbitrary<unknown> = fc.oneof(
  oddText,
  oddNumber,
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(oddText, oddNumber), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), oddText, { maxKeys: 3 }),
  fc.emailAddress(),
);
const FIELDS = ["email", "password", "full_name", "name", "description", "rate_limit", "expires_in_days", "model", "messages", "stream", "message", "stream_options", "max_tokens", "__proto__", "constructor", "days", "key_id", "_csrf"];
const message = fc.record({ role: fc.oneof(fc.constantFrom("user", "system", "assistant", "tool"), oddText), content: fieldValue }, { requiredKeys: [] });
const payload = fc.oneof(
  fc.dictionary(fc.constantFrom(...FIELDS), fieldValue, { maxKeys: 6 }),
  fc.record({ model: fc.oneof(fc.constant("demo"), oddText), messages: fc.oneof(fc.array(message, { maxLength: 4 }), fieldValue), stream: fc.oneof(fc.boolean(), fieldValue) }, { requiredKeys: [] }),
  fc.record({ email: fc.oneof(fc.emailAddress(), oddText), password: fc.oneof(fc.string({ minLength: 8, maxLength: 20 }), oddText), full_name: fc.oneof(oddText, fc.constant(null)) }, { requiredKeys: [] }),
  fc.record({ name: oddText, description: fc.oneof(oddText, fc.constant(null)), rate_limit: fc.oneof(oddNumber, fc.constant(null)), expires_in_days: fc.oneof(oddNumber, fc.constant(null)) }, { requiredKeys: [] }),
  fc.jsonValue({ maxDepth: 4 }),
);
const nestingBomb = fc.record({ depth: fc.integer({ min: 30, max: 60_000 }), open: fc.constantFrom("[", '{"a":') }).map(({ depth, open }) => open.repeat(depth) + "1" + (open === "[" ? "]" : "}").repeat(depth));
const hugeArray = fc.integer({ min: 5_000, max: 60_000 }).map((n) => `{"messages":[${Array(n).fill('{"role":"user","content":"x"}').join(",")}]}`);
const invalidUtf8 = fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xc3, ...bytes, 0x22, 0x7d]));

type Body = { kind: "none" } | { kind: "json"; text: string } | { kind: "form"; fields: Record<string, string> } | { kind: "text"; text: string } | { kind: "bytes"; bytes: Uint8Array };
const body: fc.Arbitrary<Body> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: "none" } as const) },
  { weight: 8, arbitrary: payload.map((value) => ({ kind: "json", text: JSON.stringify(value) ?? "null" }) as const) },
  { weight: 2, arbitrary: fc.json({ maxDepth: 6 }).map((text) => ({ kind: "json", text }) as const) },
  { weight: 1, arbitrary: nestingBomb.map((text) => ({ kind: "json", text }) as const) },
  { weight: 1, arbitrary: hugeArray.map((text) => ({ kind: "json", text }) as const) },
  { weight: 2, arbitrary: fc.oneof(oddText, fc.constantFrom("{", "[1,", '{"a":1}}', "nul", "1e99999", '"\\ud800"', '{"email":"a\\u0000"}')).map((text) => ({ kind: "text", text }) as const) },
  { weight: 2, arbitrary: invalidUtf8.map((bytes) => ({ kind: "bytes", bytes }) as const) },
  { weight: 3, arbitrary: fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), oddText), oddText, { maxKeys: 6 }).map((fields) => ({ kind: "form", fields }) as const) },
);

const contentType = fc.constantFrom(undefined, "application/json", "application/json; charset=utf-8", "application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x", "application/xml", "application/json; charset=utf-16", "", "*/*");
type Auth = "none" | "token" | "key" | "session" | "garbage";
const auth = fc.constantFrom<Auth>("none", "token", "token", "key", "key", "session", "session", "garbage");
const garbageAuth = fc.oneof(oddText.map((s) => `Bearer ${s}`), fc.constantFrom("Bearer", "Basic YTpi", "Bearer ai-hub-" + "x".repeat(43), "Bearer eyJhbGciOiJub25lIn0.e30.", "bearer  " + "x".repeat(2000)));
const method = fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD");
const paramValue = fc.oneof(fc.integer({ min: 100_000 }).map(String), fc.constantFrom("0", "-1", "1e400", "abc", "NaN", "%00", "%ff", "__proto__", "constructor", "9".repeat(40), "1.5", "%2e%2e"), fc.string({ maxLength: 10 }).map((v) => encodeURIComponent(v.toWellFormed())));
const query = fc.dictionary(fc.oneof(fc.constantFrom("days", "q", "cursor", "to", "next", "limit"), fc.string({ maxLength: 6 })), fc.oneof(oddText, oddNumber.map(String)), { maxKeys: 3 })
  .map((q) => Object.entries(q).map(([k, v]) => `${encodeURIComponent(k.toWellFormed())}=${encodeURIComponent(v.toWellFormed())}`).join("&"));

interface Case {
  route: { method: string; path: string };
  method: string | null;
  param: string;
  suffix: string;
  query: string;
  auth: Auth;
  garbage: string;
  contentType: string | undefined;
  body: Body;
  headers: { xff?: string; lang?: string; htmx: boolean; csrf: boolean };
}

function caseArbitrary(routes: Array<{ method: string; path: string }>): fc.Arbitrary<Case> {
  return fc.record({
    route: fc.constantFrom(...routes),
    // Mostly the route's own method; sometimes another.
    method: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: method }),
    param: paramValue,
    suffix: fc.oneof({ weight: 6, arbitrary: fc.constant("") }, { weight: 1, arbitrary: fc.constantFrom("/", "//", "/x", "/%00", "/..", "/__proto__") }),
    query,
    auth,
    garbage: garbageAuth,
    contentType,
    body,
    headers: fc.record({
      xff: fc.option(fc.oneof(fc.ipV4(), fc.ipV6(), oddText.filter((s) => /^[\x20-\x7e]*$/.test(s))), { nil: undefined }),
      lang: fc.option(fc.oneof(fc.constantFrom("en", "zh-CN", "*", "xx;q=2"), fc.string({ maxLength: 20 }).filter((s) => /^[\x20-\x7e]*$/.test(s))), { nil: undefined }),
      htmx: fc.boolean(),
      csrf: fc.boolean(),
    }),
  });
}

// ---- the suite --------------------------------------------------------------------------------------------------

describe("fuzz: random requests to every route of a live hub", () => {
  let hub: HubProcess;
  let pid: number;
  let port: number;
  let token = "";
  let key = "";
  const routes = appRoutes();

  beforeAll(async () => {
    const storage: Record<string, string> = BACKENDS.includes("postgres") ? { DATABASE_URL: await freshPostgresUrl() } : { DATA_DIR: mkdtempSync(join(tmpdir(), "aihub-fuzz-")) };
    hub = await spawnHub({ ...storage, JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: "warn", DEMO_CHUNK_DELAY_MS: "0", TRUST_PROXY: "true", NODE_ENV: "production" });
    pid = hub.proc.pid;
    port = Number(new URL(hub.base).port);
    const email = `fuzz-${Date.now()}@example.com`;
    const registered = await fetch(`${hub.base}/api/v1/auth/register`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": "192.0.2.1" }, body: JSON.stringify({ email, password: "fuzz password" }) });
    token = ((await registered.json()) as { access_token: string }).access_token;
    const created = await fetch(`${hub.base}/api/v1/developer/api-keys`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ name: "fuzz" }) });
    key = ((await created.json()) as { key: string }).key;
    expect(token).toBeTruthy();
    expect(key).toStartWith("ai-hub-");
  }, 60_000);

  afterAll(async () => {
    await hub?.stop();
  }, 30_000);

  let onStatus = (_status: number) => {};
  /** The first few "unhandled error" lines the hub logged. */
  const unhandled = async () => (await hub.output()).split("\n").filter((line) => line.includes("unhandled error")).slice(0, 3);

  /** Sends one case; returns a problem description, or null when the answer is acceptable. */
  async function send(c: Case): Promise<string | null> {
    const verb = c.method ?? c.route.method;
    const path = c.route.path.replace(/:[a-z]+/g, c.param) + c.suffix;
    const url = `${hub.base}${path}${c.query ? `?${c.query}` : ""}`;
    const headers = new Headers();
    const csrf = "fuzzcsrf".repeat(4);
    const cookies: string[] = c.headers.csrf ? [`aihub_csrf=${csrf}`] : [];
    // The shared token's session must outlive the run: logout gets garbage credentials only.
    const authKind = /logout/.test(path) && c.auth !== "none" ? "garbage" : c.auth;
    if (authKind === "token") headers.set("authorization", `Bearer ${token}`);
    if (authKind === "key") headers.set("authorization", `Bearer ${key}`);
    if (authKind === "session") cookies.push(`${SESSION_COOKIE}=${token}`);
    if (authKind === "garbage") headers.set("authorization", c.garbage.replace(/[^\x20-\x7e]/g, "?"));
    if (cookies.length) headers.set("cookie", cookies.join("; "));
    if (c.headers.xff) headers.set("x-forwarded-for", c.headers.xff);
    if (c.headers.lang) headers.set("accept-language", c.headers.lang);
    if (c.headers.htmx) headers.set("hx-request", "true");
    let payload: BodyInit | undefined;
    if (verb !== "GET" && verb !== "HEAD") {
      const b = c.body;
      if (b.kind === "json" || b.kind === "text") payload = b.text;
      else if (b.kind === "bytes") payload = b.bytes as Uint8Array<ArrayBuffer>;
      else if (b.kind === "form") payload = new URLSearchParams({ ...b.fields, ...(c.headers.csrf ? { _csrf: csrf } : {}) }).toString();
      const type = c.contentType ?? (b.kind === "form" ? "application/x-www-form-urlencoded" : b.kind === "json" ? "application/json" : undefined);
      if (type !== undefined && b.kind !== "none") headers.set("content-type", type);
    }
    const response = await fetch(url, { method: verb, headers, body: payload, redirect: "manual" });
    const text = await response.text();
    onStatus(response.status);
    const where = `${verb} ${path} → ${response.status}`;
    if (response.status >= 500) return `${where}: ${text.slice(0, 300)}`;
    if (/\bat <anonymous>|node_modules|\/src\/[a-z_/]+\.ts/.test(text) && !/^\/static\/|^\/openapi\.json|^\/docs/.test(path)) return `${where}: a stack trace or file path in the answer`;
    if (response.status < 400 || verb === "HEAD") return null;
    const isJson = (response.headers.get("content-type") ?? "").includes("application/json");
    const routePath = path.split("?")[0]!;
    if (routePath === "/v1" || routePath.startsWith("/v1/")) {
      const parsed = isJson ? (JSON.parse(text) as { error?: { message?: unknown; type?: unknown; code?: unknown; param?: unknown } }) : null;
      const e = parsed?.error;
      if (!e || typeof e.message !== "string" || typeof e.type !== "string" || !("code" in e) || !("param" in e)) return `${where}: not OpenAI's error shape: ${text.slice(0, 200)}`;
    } else if (routePath.startsWith("/api/")) {
      const parsed = isJson ? (JSON.parse(text) as { detail?: unknown }) : null;
      if (typeof parsed?.detail !== "string") return `${where}: not the {detail} shape: ${text.slice(0, 200)}`;
    }
    return null;
  }

  test(`${RUNS.toLocaleString("en-US")} random HTTP requests: no 5xx, the route's error shape, memory within +${RSS_BOUND_MB} MB (seed ${SEED})`, async () => {
    console.log(`fuzz: seed ${SEED} (replay with FUZZ_SEED=${SEED}), ${RUNS} HTTP requests over ${routes.length} routes, ${RAW_RUNS} raw-socket requests`);
    // Warm up every route once so the baseline includes what any first call allocates.
    for (const route of routes) await fetch(`${hub.base}${route.path.replace(/:[a-z]+/g, "1")}`, { method: route.method, redirect: "manual" }).then((r) => r.text());
    const before = rssMb(pid);
    const started = performance.now();
    let sent = 0;
    const statuses = new Map<number, number>();
    onStatus = (status) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
    // Each property run sends CONCURRENCY cases at once, so the hub also sees concurrent hostile traffic.
    await fc.assert(
      fc.asyncProperty(fc.array(caseArbitrary(routes), { minLength: CONCURRENCY, maxLength: CONCURRENCY }), async (cases) => {
        const problems = await Promise.all(cases.map(send));
        sent += cases.length;
        const problem = problems.find((p) => p !== null);
        if (problem) throw new Error(problem);
      }),
      { seed: SEED, numRuns: Math.ceil(RUNS / CONCURRENCY), verbose: 1 },
    );
    const seconds = (performance.now() - started) / 1000;
    Bun.gc(true);
    const after = rssMb(pid);
    console.log(`fuzz: ${sent} HTTP requests in ${seconds.toFixed(1)} s; hub RSS ${before.toFixed(0)} → ${after.toFixed(0)} MB; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
    expect(sent).toBeGreaterThanOrEqual(RUNS);
    expect(after - before).toBeLessThan(RSS_BOUND_MB);
    expect(hub.proc.exitCode).toBeNull();
    expect((await fetch(`${hub.base}/health`)).status).toBe(200);
    expect(await unhandled()).toEqual([]);
  }, 300_000);

  test(`${RAW_RUNS} raw-socket requests (odd Hosts, HTTP/1.0, malformed lines): no 5xx, no stack trace, the hub alive`, async () => {
    const hostChars = fc.string({ unit: fc.constantFrom(..."ab <>\"{}|^\\`%:[]@#?/\t.0123456789".split("")), maxLength: 12 });
    const raw = fc.record({
      version: fc.constantFrom("HTTP/1.0", "HTTP/1.1", "HTTP/0.9", "HTTP/2.0", "HTTP/1.1 x"),
      host: fc.option(hostChars, { nil: null }),
      path: fc.oneof(fc.constantFrom(...routes.map((r) => r.path.replace(/:[a-z]+/g, "1"))), fc.constantFrom("*", "http://evil.example/x", "//x", "/%", "/a b", "")),
      method: fc.constantFrom("GET", "POST", "get", "BREW", ""),
      body: fc.option(fc.constantFrom('{"email":"a@b.c","password":"x"}', "[".repeat(10_000), "a=b"), { nil: null }),
    });
    await fc.assert(
      fc.asyncProperty(raw, async (r) => {
        const lines = [`${r.method} ${r.path} ${r.version}`];
        if (r.host !== null) lines.push(`Host: ${r.host}`);
        lines.push("Connection: close");
        if (r.body !== null) lines.push("Content-Type: application/json", `Content-Length: ${r.body.length}`);
        const answer = await rawRequest(port, `${lines.join("\r\n")}\r\n\r\n${r.body ?? ""}`, 5_000);
        // Bun's own parser answers 505 to a request line whose version is not HTTP/1.x: before the hub sees anything.
        const wellFormedLine = /^\S+ \S+ HTTP\/1\.[01]$/.test(lines[0]!);
        if (answer.status >= 500 && !(answer.status === 505 && !wellFormedLine)) throw new Error(`${JSON.stringify(lines)} → ${answer.status}: ${answer.body.slice(0, 300)}`);
        if (/\bat <anonymous>|\/src\/[a-z_/]+\.ts|node_modules/.test(answer.body) && !r.path.startsWith("/static/") && !r.path.startsWith("/docs")) throw new Error(`${JSON.stringify(lines)}: a stack trace in the answer`);
      }),
      { seed: SEED, numRuns: RAW_RUNS, verbose: 1 },
    );
    expect(hub.proc.exitCode).toBeNull();
    expect((await fetch(`${hub.base}/health`)).status).toBe(200);
    expect(await unhandled()).toEqual([]);
  }, 120_000);
});
