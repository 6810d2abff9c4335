// Quota alerts exactly once: 300 concurrent calls crossing 80 % and 100 % on two hub processes sharing PostgreSQL
// and Redis give one 80 % and one 100 % event and mail; plus the crossing rule and the key-expiry sweep.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { openPostgres } from "../db/mod.ts";
import { apiKeys, users } from "../db/schema/mod.ts";
import { createLogger } from "../log.ts";
import { createMailer } from "../mail/mod.ts";
import { freshPostgresUrl, REDIS_URL, testDatabase } from "../testing/databases.ts";
import { TEST_JWT_SECRET } from "../testing/harness.ts";
import { call, type HubProcess, spawnHub } from "../testing/process.ts";
import { startTestSmtp, type TestSmtp } from "../testing/smtp.ts";
import { createWebhook } from "../webhooks/mod.ts";
import { crossedThreshold, sweepExpiringKeys } from "./alerts.ts";

test("crossedThreshold() names 80 and 100 only for the call reaching the mark", () => {
  expect(crossedThreshold(79, 100)).toBeNull();
  expect(crossedThreshold(80, 100)).toBe(80);
  expect(crossedThreshold(81, 100)).toBeNull();
  expect(crossedThreshold(100, 100)).toBe(100);
  expect(crossedThreshold(4, 5)).toBe(80);
});

test("sweepExpiringKeys() emits key.expiring once per key for 7 days and once for 1 day", async () => {
  const { db } = await testDatabase("pglite");
  const [user] = await db.insert(users).values({ email: `expiring-${Date.now()}@example.com`, passwordHash: "x" }).returning();
  await createWebhook(db, user!.id, { url: "http://127.0.0.1:9/x", events: ["key.expiring"] });
  const [key] = await db.insert(apiKeys).values({ userId: user!.id, keyHash: crypto.randomUUID(), keyPrefix: "ai-hub-xxxxxx", name: "soon", expiresAt: new Date(Date.now() + 5 * 86_400_000) }).returning();
  const deps = { db, mailer: createMailer(db, { enabled: false }), log: createLogger("silent"), publicUrl: "http://hub.test", wakeWebhooks() {} };
  expect(await sweepExpiringKeys(deps)).toBe(1);
  expect(await sweepExpiringKeys(deps)).toBe(0);
  expect(await sweepExpiringKeys(deps, new Date(key!.expiresAt!.getTime() - 3600_000))).toBe(1);
  expect(await sweepExpiringKeys(deps, new Date(key!.expiresAt!.getTime() - 1800_000))).toBe(0);
});

describe("quota alerts across two hub processes", () => {
  let smtp: TestSmtp;
  let hubs: HubProcess[] = [];
  let databaseUrl: string;
  const events: Array<{ type: string; data: { threshold: number } }> = [];
  const receiver = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: async (r) => (events.push(await r.json()), new Response("ok")) });

  beforeAll(async () => {
    smtp = await startTestSmtp();
    databaseUrl = await freshPostgresUrl();
    const env = { DATABASE_URL: databaseUrl, REDIS_URL, REDIS_PREFIX: `aihub-alerts-${process.pid}-${Date.now().toString(36)}`, JWT_SECRET: TEST_JWT_SECRET, SMTP_URL: smtp.url, WEBHOOK_ALLOW_PRIVATE: "true", NOTIFY_POLL_MS: "50", DEMO_CHUNK_DELAY_MS: "0" };
    hubs = [await spawnHub(env)];
    hubs.push(await spawnHub(env));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(hubs.map((h) => h.stop()));
    receiver.stop(true);
    await smtp.close();
  });

  test("300 concurrent calls crossing 80 % and 100 %: exactly one event and one mail for each", async () => {
    const [a, b] = hubs as [HubProcess, HubProcess];
    const email = `alerts-${Date.now()}@example.com`;
    const registered = await (await call(a.base, "/api/v1/auth/register", { json: { email, password: "correct horse battery" } })).json() as { access_token: string; user: { id: number } };
    const token = registered.access_token;
    const database = await openPostgres(databaseUrl, { max: 2 });
    try {
      await database.db.update(users).set({ monthlyQuota: 250, rateLimitCeiling: 10_000 }).where(eq(users.id, registered.user.id));
    } finally {
      await database.close();
    }
    expect((await call(a.base, "/api/v1/developer/webhooks", { token, json: { url: `http://127.0.0.1:${receiver.port}/hook`, events: ["quota.threshold"] } })).status).toBe(201);
    const { key } = await (await call(a.base, "/api/v1/developer/api-keys", { token, json: { name: "load", rate_limit: 10_000 } })).json() as { key: string };
    const statuses = await Promise.all(Array.from({ length: 300 }, (_, i) =>
      call(i % 2 ? a.base : b.base, "/api/v1/developer/chat", { token: key, json: { message: "hi", stream: false } }).then(async (r) => (await r.body?.cancel(), r.status))));
    expect(statuses.filter((s) => s === 200)).toHaveLength(250);
    await smtp.waitFor((m) => m.to.includes(email) && m.subject.includes("100%"), 15_000);
    const deadline = Date.now() + 10_000;
    while (events.length < 2 && Date.now() < deadline) await Bun.sleep(50);
    await Bun.sleep(1_000);
    expect(events.map((e) => e.data.threshold).sort()).toEqual([100, 80]);
    expect(events.every((e) => e.type === "quota.threshold")).toBe(true);
    const alertMails = smtp.mails.filter((m) => m.to.includes(email) && m.subject.startsWith("AI Hub 本月配额"));
    expect(alertMails.map((m) => m.subject).sort()).toEqual(["AI Hub 本月配额已使用 100%", "AI Hub 本月配额已使用 80%"]);
    expect(alertMails.find((m) => m.subject.includes("80%"))!.text).toContain("200 / 250");
  }, 60_000);
});
