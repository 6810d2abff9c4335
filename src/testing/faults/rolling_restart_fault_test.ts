// A rolling restart: three hubs on PostgreSQL + Redis behind Debian's HAProxy, each stopped with SIGTERM and started
// again in turn under steady load → no client call fails, every hub exits 0, and every delivered call is recorded.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { openPostgres } from "../../db/mod.ts";
import { users } from "../../db/schema/mod.ts";
import { freshPostgresUrl, REDIS_URL } from "../databases.ts";
import { freePort, type Haproxy, startHaproxy } from "../haproxy.ts";
import { TEST_JWT_SECRET } from "../harness.ts";
import { call, type HubProcess, spawnHub } from "../process.ts";
import { missingRecords, startChatLoad, within } from "./load.ts";

const hubs: HubProcess[] = [];
let proxy: Haproxy | null = null;

afterAll(async () => {
  await proxy?.stop();
  for (const hub of hubs) if (hub.proc.exitCode === null) await hub.stop("SIGKILL");
});

let env: Record<string, string>;
const ports = [freePort(), freePort(), freePort()];

beforeAll(async () => {
  env = {
    DATABASE_URL: await freshPostgresUrl(),
    REDIS_URL,
    REDIS_PREFIX: `aihub-rolling-${process.pid}-${Date.now().toString(36)}`,
    JWT_SECRET: TEST_JWT_SECRET,
    DEMO_CHUNK_DELAY_MS: "20",
    // Longer than HAProxy's check (every 100 ms, down after one failure): it stops sending before the listener closes.
    SHUTDOWN_DRAIN_MS: "600",
  };
  for (const port of ports) hubs.push(await spawnHub({ ...env, PORT: String(port) }));
  proxy = await startHaproxy(hubs.map((h) => h.base));
}, 90_000);

test("three hubs restarted one by one under steady load: zero failed calls, exit 0 each, no lost record", async () => {
  const send = (path: string, init: Parameters<typeof call>[2] = {}) => call(proxy!.base, path, init);
  const email = `rolling-${Date.now().toString(36)}@example.com`;
  const registered = await send("/api/v1/auth/register", { json: { email, password: "rolling-restart-1" } });
  expect(registered.status).toBe(201);
  const { access_token: token } = await registered.json() as { access_token: string };
  const db = await openPostgres(env.DATABASE_URL!, { max: 2 });
  try {
    await db.db.update(users).set({ rateLimitCeiling: 1_000_000 }).where(eq(users.email, email));
    await Bun.sleep(300);
    const created = await send("/api/v1/developer/api-keys", { token, json: { name: "rolling", rate_limit: 1_000_000 } });
    expect(created.status).toBe(201);
    const { key } = await created.json() as { key: string };

    const load = startChatLoad(send, key, { workers: 6, maxCalls: 20_000, pauseMs: 5 });
    const exitCodes: number[] = [];
    for (let i = 0; i < hubs.length; i++) {
      await Bun.sleep(700);
      exitCodes.push(await hubs[i]!.stop("SIGTERM"));
      hubs[i] = await spawnHub({ ...env, PORT: String(ports[i]) });
      await within(10_000, `hub ${i} ready again`, async () => (await fetch(`${hubs[i]!.base}/ready`)).ok);
    }
    await Bun.sleep(700);
    const results = await load.stop();

    const failed = results.filter((r) => r.status !== 200 || !r.delivered);
    console.log(`rolling restart: ${results.length} calls, ${failed.length} failed, exit codes ${exitCodes.join(",")}`);
    expect(failed.slice(0, 3)).toEqual([]);
    expect(exitCodes).toEqual([0, 0, 0]);
    expect(results.length).toBeGreaterThan(50);

    const delivered = results.map((r) => r.requestId!);
    const missing = await missingRecords(db.db, delivered, 15_000);
    expect(missing).toEqual([]);
  } finally {
    await db.close();
  }
}, 120_000);
