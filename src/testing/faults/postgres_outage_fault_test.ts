// PostgreSQL stopped and started under chat load, on a private cluster (never the shared one on 5432):
// account routes answer 503 + Retry-After, chat calls succeed or answer a clear 503 (never 500), the hub
// heals without a restart, and every delivered call has exactly one usage record.
// The embedded default (PGlite) is not covered: it runs inside the hub process and cannot go away alone.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { openPostgres } from "../../db/mod.ts";
import { users } from "../../db/schema/mod.ts";
import { REDIS_URL } from "../databases.ts";
import { TEST_JWT_SECRET } from "../harness.ts";
import { type PrivatePostgres, startPrivatePostgres } from "../private_postgres.ts";
import { call, type HubProcess, spawnHub } from "../process.ts";
import { missingRecords, startChatLoad, within } from "./load.ts";

let pg: PrivatePostgres;
const hubs: HubProcess[] = [];

beforeAll(async () => {
  pg = await startPrivatePostgres();
}, 60_000);
afterAll(async () => {
  for (const hub of hubs) if (hub.proc.exitCode === null) await hub.stop("SIGKILL");
  await pg?.destroy();
});

async function freshDatabase(name: string): Promise<string> {
  const admin = await openPostgres(pg.url, { max: 1 });
  try {
    await admin.db.execute(`create database ${name}` as never);
  } finally {
    await admin.close();
  }
  return pg.url.replace(/\/postgres$/, `/${name}`);
}

for (const [mode, redis] of [["Redis limits", true], ["in-process limits (no Redis)", false]] as const) {
  test(`PostgreSQL stopped and started under load with ${mode}: 503s, never 500, heals, no delivered call without its record`, async () => {
    const databaseUrl = await freshDatabase(`fault_${redis ? "redis" : "memory"}_${Date.now().toString(36)}`);
    const hub = await spawnHub({
      DATABASE_URL: databaseUrl,
      JWT_SECRET: TEST_JWT_SECRET,
      DEMO_CHUNK_DELAY_MS: "2",
      ...(redis ? { REDIS_URL, REDIS_PREFIX: `aihub-pgfault-${process.pid}-${Date.now().toString(36)}` } : {}),
    });
    hubs.push(hub);
    // A hub that dies (it must not) fails the probes with its exit code and last output, not only ECONNREFUSED.
    const send = async (path: string, init: Parameters<typeof call>[2] = {}) => {
      try {
        return await call(hub.base, path, init);
      } catch (error) {
        if (hub.proc.exitCode === null) throw error;
        throw new Error(`the hub exited with code ${hub.proc.exitCode}: ${(await hub.output()).slice(-3000)}`);
      }
    };

    const email = `pgfault-${Date.now().toString(36)}@example.com`;
    const registered = await send("/api/v1/auth/register", { json: { email, password: "fault-test-password" } });
    expect(registered.status).toBe(201);
    const { access_token: token } = await registered.json() as { access_token: string };
    const db = await openPostgres(databaseUrl, { max: 2 });
    try {
      await db.db.update(users).set({ rateLimitCeiling: 1_000_000 }).where(eq(users.email, email));
      const created = await send("/api/v1/developer/api-keys", { token, json: { name: "fault load", rate_limit: 1_000_000 } });
      expect(created.status).toBe(201);
      const { key } = await created.json() as { key: string };

      const account: Array<{ status: number; retryAfter: string | null; body: string; phase: string }> = [];
      let phase = "before";
      const probeAccount = async () => {
        for (const path of ["/api/v1/auth/me", "/api/v1/developer/api-keys"]) {
          const r = await send(path, { token });
          account.push({ status: r.status, retryAfter: r.headers.get("retry-after"), body: await r.text(), phase });
        }
      };

      const load = startChatLoad(send, key, { workers: 8, maxCalls: 6_000 });
      await Bun.sleep(800);
      phase = "down";
      await pg.stop();
      const downUntil = performance.now() + 3_000;
      let readyWhileDown: { status: number; body: string } | null = null;
      while (performance.now() < downUntil) {
        await probeAccount();
        if (!readyWhileDown) {
          const r = await send("/ready");
          readyWhileDown = { status: r.status, body: await r.text() };
        }
        await Bun.sleep(100);
      }
      await pg.start();
      phase = "after";
      const healMs = await within(10_000, "account routes answering 200 again", async () => (await send("/api/v1/auth/me", { token })).status === 200 && (await send("/ready")).status === 200);
      await Bun.sleep(500);
      const results = await load.stop();
      await probeAccount();

      // The outage was seen, and answered the way the contract says.
      const downAccount = account.filter((a) => a.phase === "down");
      expect(downAccount.length).toBeGreaterThan(5);
      expect(downAccount.filter((a) => a.status === 503).length).toBeGreaterThan(0);
      for (const a of downAccount) {
        expect([200, 503]).toContain(a.status);
        if (a.status === 503) {
          expect(a.retryAfter).toBe("1");
          expect(JSON.parse(a.body)).toEqual({ detail: "Cannot complete the request: the database is unavailable. Retry shortly." });
        }
      }
      expect(readyWhileDown!.status).toBe(503);
      expect(JSON.parse(readyWhileDown!.body)).toEqual({ status: "unavailable", checks: { database: "unavailable", ...(redis ? { redis: "ok" } : {}) } });
      expect(healMs).toBeLessThan(5_000);
      expect(account.filter((a) => a.phase === "after").every((a) => a.status === 200)).toBe(true);

      // Chat: each call either succeeded or was refused clearly; none failed with a 500 or a dropped connection.
      const statuses = new Map<number, number>();
      for (const r of results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      console.log(`${mode}: ${results.length} calls ${JSON.stringify(Object.fromEntries(statuses))}, delivered ${results.filter((r) => r.delivered).length}, healed in ${Math.round(healMs)} ms`);
      expect([...statuses.keys()].every((s) => s === 200 || s === 503)).toBe(true);
      for (const r of results.filter((r) => r.status === 503)) expect(JSON.parse(r.error!).error.type).toBe("service_unavailable");
      // Calls went on succeeding after the database came back.
      expect(results.some((r) => r.delivered && r.at > results.at(-1)!.at - 400)).toBe(true);

      // Every delivered call has exactly one record (the id is the primary key), once the pipeline has drained.
      const delivered = results.filter((r) => r.delivered).map((r) => r.requestId!);
      expect(new Set(delivered).size).toBe(delivered.length);
      expect(delivered.length).toBeGreaterThan(50);
      const missing = await missingRecords(db.db, delivered, 20_000);
      expect(missing).toEqual([]);
    } finally {
      await db.close();
      await hub.stop("SIGKILL");
    }
  }, 60_000);
}
