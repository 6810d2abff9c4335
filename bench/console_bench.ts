// Server time of the console's dashboard and usage pages for a user with 1,000,000 usage records, on PostgreSQL.
// The pages read daily rollups; the baseline is the same 30-day history computed from the raw records.
// Run: bun bench/console_bench.ts   (needs PostgreSQL at 127.0.0.1:5432)
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { createLogger } from "../src/log.ts";
import { openRuntime } from "../src/runtime.ts";
import { scratchDatabase } from "./harness.ts";

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: sorted[Math.floor(sorted.length / 2)]!, p95: sorted[Math.floor(sorted.length * 0.95)]!, max: sorted.at(-1)! };
}

const { default: postgres } = await import("postgres");
const scratch = await scratchDatabase("aihub_console_bench");
const config = loadConfig({ DATABASE_URL: scratch.url, JWT_SECRET: "bench-secret-bench-secret-bench-secret-42", LOG_LEVEL: "warn", PASSWORD_MEMORY_COST: "1024", PASSWORD_TIME_COST: "1", DATA_DIR: "/tmp" });
const runtime = await openRuntime(config, createLogger("warn"));
const app = createApp(runtime.deps);
const sqlClient = postgres(scratch.url, { max: 1, onnotice: () => {} });
try {
  const register = await app.handle(new Request("http://localhost/api/v1/auth/register", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "million@example.com", password: "million-records" }) }));
  const { access_token: token, user } = await register.json() as { access_token: string; user: { id: number } };
  const keys = [];
  for (const name of ["backend", "batch jobs", "staging"]) {
    const r = await app.handle(new Request("http://localhost/api/v1/developer/api-keys", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ name }) }));
    keys.push(((await r.json()) as { id: number }).id);
  }
  console.log(`Inserting ${RECORDS.toLocaleString("en-US")} usage records over 90 days, with their rollups…`);
  const t0 = performance.now();
  await sqlClient.unsafe(`
    insert into usage_records (id, user_id, api_key_id, endpoint, model, upstream, status, outcome, counts_quota, prompt_tokens, completion_tokens, tokens_estimated, cost, latency_ms, ttfb_ms, stream, created_at)
    select gen_random_uuid()::text, ${user.id}, (array[${keys.join(",")}])[1 + (i % 3)], '/v1/chat/completions', (array['openai/gpt-4o-mini','anthropic/claude-3.5-haiku','meta-llama/llama-3.1-8b-instruct'])[1 + (i % 7 % 3)],
      'openrouter', 200, 'ok', true, 20 + i % 50, 100 + i % 200, false, 0.00002 + (i % 10) * 0.000001, 300, 80, i % 2 = 0,
      now() - make_interval(secs => (i::double precision / ${RECORDS}) * 90 * 86400)
    from generate_series(1, ${RECORDS}) as i`);
  await sqlClient.unsafe(`
    insert into usage_daily (user_id, day, api_key_id, model, requests, successful, prompt_tokens, completion_tokens, cost)
    select user_id, (created_at at time zone 'UTC')::date, api_key_id, coalesce(model, ''), count(*), count(*), sum(prompt_tokens), sum(completion_tokens), sum(cost)
    from usage_records where user_id = ${user.id} group by 1, 2, 3, 4`);
  // Months before this one had no partition yet (a fresh database has this month and the next): their records sit in
  // the default partition until the hourly upkeep moves them, as it does here at once.
  await runtime.maintainUsage();
  // A key with no calls: its page must not walk the user's million records looking for its last calls.
  const quiet = await app.handle(new Request("http://localhost/api/v1/developer/api-keys", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ name: "quiet" }) }));
  const quietKey = ((await quiet.json()) as { id: number }).id;
  await sqlClient.unsafe(`analyze`);
  console.log(`  done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);

  // A console session: log in through the form to get the cookies a browser would have.
  const loginPage = await app.handle(new Request("http://localhost/login"));
  const csrf = loginPage.headers.getSetCookie().find((c) => c.startsWith("aihub_csrf="))!.split(";")[0]!;
  // The form token is derived from the pre-session cookie by the hub: read it from the page.
  const formToken = /name="_csrf" value="([^"]+)"/.exec(await loginPage.text())![1]!;
  const login = await app.handle(new Request("http://localhost/login", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrf }, body: `email=million%40example.com&password=million-records&_csrf=${formToken}` }));
  const session = login.headers.getSetCookie().find((c) => c.startsWith("aihub_session="))!.split(";")[0]!;
  const cookie = `${csrf}; ${session}`;

  const timePage = async (path: string, headers: Record<string, string> = {}) => {
    const samples: number[] = [];
    for (let i = 0; i < RUNS + 3; i++) {
      const t = performance.now();
      const r = await app.handle(new Request(`http://localhost${path}`, { headers: { cookie, ...headers } }));
      const body = await r.text();
      if (r.status !== 200 || body.length < 500) throw new Error(`${path}: ${r.status}`);
      if (i >= 3) samples.push(performance.now() - t);
    }
    return stats(samples);
  };
  const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
  // The request log's nth page, reached by following its "older" links as a reader would.
  const olderPage = async (n: number) => {
    let path = "/dashboard/logs";
    for (let i = 1; i < n; i++) {
      const body = await (await app.handle(new Request(`http://localhost${path}`, { headers: { cookie } }))).text();
      path = /rel="next" href="([^"]+)"/.exec(body)![1]!.replaceAll("&amp;", "&");
    }
    return path;
  };
  const rows: Array<[string, ReturnType<typeof stats>]> = [
    ["GET /dashboard", await timePage("/dashboard")],
    ["GET /dashboard/usage?days=30", await timePage("/dashboard/usage?days=30")],
    ["GET /dashboard/usage?days=90", await timePage("/dashboard/usage?days=90")],
    ["GET /dashboard/usage?days=90 (htmx)", await timePage("/dashboard/usage?days=90", { "hx-request": "true" })],
    ["GET /dashboard/api-keys/:id (30 days)", await timePage(`/dashboard/api-keys/${keys[1]}`)],
    ["GET /dashboard/api-keys/:id (no calls)", await timePage(`/dashboard/api-keys/${quietKey}`)],
    ["GET /dashboard/logs", await timePage("/dashboard/logs")],
    ["GET /dashboard/logs (htmx, 10th page)", await timePage(await olderPage(10), { "hx-request": "true" })],
    [`GET /dashboard/logs?key= (one of 3)`, await timePage(`/dashboard/logs?key=${keys[1]}`)],
    ["GET /dashboard/logs?model=&from=&to=", await timePage(`/dashboard/logs?model=meta-llama%2Fllama-3.1-8b-instruct&from=${daysAgo(60)}&to=${daysAgo(30)}`)],
    ["GET /dashboard/logs?status=5xx (none)", await timePage("/dashboard/logs?status=5xx")],
  ];
  const raw: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    await sqlClient.unsafe(`select (created_at at time zone 'UTC')::date as day, count(*), sum(cost) from usage_records where user_id = ${user.id} and created_at > now() - interval '30 days' group by 1 order by 1`);
    raw.push(performance.now() - t);
  }
  const baseline = stats(raw);
  console.log(`Page server time with ${RECORDS.toLocaleString("en-US")} records (${RUNS} runs each, PostgreSQL, in-process app.handle):`);
  for (const [name, s] of rows) console.log(`  ${name.padEnd(40)} p50 ${s.p50.toFixed(1).padStart(6)} ms   p95 ${s.p95.toFixed(1).padStart(6)} ms   max ${s.max.toFixed(1).padStart(6)} ms`);
  console.log(`  baseline: 30-day history from raw records  p50 ${baseline.p50.toFixed(1).padStart(6)} ms   (rollups make the page ${(baseline.p50 / rows[1]![1].p50).toFixed(0)}× faster)`);
} finally {
  await runtime.close();
  await sqlClient.end();
  await scratch.drop();
}
