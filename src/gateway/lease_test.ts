// A hub killed with SIGKILL mid-stream leaves quota reservations behind: their leases end and the quota
// returns to what delivered calls used, on Redis + PostgreSQL.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { freshPostgresUrl, REDIS_URL } from "../testing/databases.ts";
import { type FakeUpstream, startFakeUpstream } from "../testing/fake_upstream.ts";
import { TEST_JWT_SECRET } from "../testing/harness.ts";
import { call, type HubProcess, spawnHub } from "../testing/process.ts";

let upstream: FakeUpstream;
const hubs: HubProcess[] = [];
beforeAll(() => {
  upstream = startFakeUpstream({ record: false });
});
afterAll(async () => {
  for (const hub of hubs) if (hub.proc.exitCode === null) await hub.stop("SIGKILL");
  await upstream.stop();
});

const chat = (content: string, stream: boolean) => ({ model: "fake-model", messages: [{ role: "user", content }], stream });

test("reservations of streams cut off by SIGKILL of their hub are given back after the lease", async () => {
  const env = {
    DATABASE_URL: await freshPostgresUrl(),
    REDIS_URL,
    REDIS_PREFIX: `aihub-lease-${process.pid}-${Date.now().toString(36)}`,
    JWT_SECRET: TEST_JWT_SECRET,
    UPSTREAM_BASE_URL: upstream.url,
    UPSTREAM_MODELS: "fake-model",
    RESERVATION_LEASE_MS: "2000",
  };
  const first = await spawnHub(env);
  hubs.push(first);
  const email = `lease${Math.random().toString(36).slice(2)}@example.com`;
  const { access_token: token } = await (await call(first.base, "/api/v1/auth/register", { json: { email, password: "lease-test-password" } })).json() as { access_token: string };
  const { key } = await (await call(first.base, "/api/v1/developer/api-keys", { token, json: { name: "lease" } })).json() as { key: string };
  const quotaUsed = async (base: string) => ((await (await call(base, "/api/v1/developer/usage/current", { token })).json()) as { quota_used: number }).quota_used;

  for (let i = 0; i < 3; i++) {
    const r = await call(first.base, "/v1/chat/completions", { token: key, json: chat("delivered", false) });
    expect(r.status).toBe(200);
    await r.text();
  }
  // Five slow streams: each is admitted (its first chunk arrived) when the hub dies.
  const aborts = Array.from({ length: 5 }, () => new AbortController());
  await Promise.all(aborts.map(async (abort) => {
    const r = await fetch(`${first.base}/v1/chat/completions`, {
      method: "POST",
      signal: abort.signal,
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify(chat("cut off !slow:60000", true)),
    });
    expect(r.status).toBe(200);
    await r.body!.getReader().read();
  }));
  expect(await quotaUsed(first.base)).toBe(8);

  await first.stop("SIGKILL");
  for (const abort of aborts) abort.abort();
  const second = await spawnHub(env);
  hubs.push(second);
  // Nobody calls: the sweep alone must give the five reservations back once their 2 s lease ends.
  let used = await quotaUsed(second.base);
  for (let i = 0; i < 60 && used !== 3; i++) {
    await Bun.sleep(250);
    used = await quotaUsed(second.base);
  }
  expect(used).toBe(3);
  await second.stop("SIGTERM");
}, 60_000);
