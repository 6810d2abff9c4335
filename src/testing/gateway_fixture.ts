// One developer-API hub per setup for the gateway suites: a real HTTP upstream on loopback, a user and a key.
import { afterAll, beforeAll, describe } from "bun:test";
import { eq } from "drizzle-orm";
import type { Database } from "../db/mod.ts";
import { usageRecords, users } from "../db/schema/mod.ts";
import type { Backend } from "./databases.ts";
import { type FakeUpstream, startFakeUpstream } from "./fake_upstream.ts";
import { createKey, createTestHub, registerUser, type TestHub } from "./harness.ts";

export interface GatewaySetup {
  name: string;
  backend: Backend;
  /** true: the shared Redis; a cluster's nodes (the cluster suite starts its own). */
  redis: boolean | { clusterNodes: string[] };
}

/** The two setups every gateway suite runs on. */
export const GATEWAY_SETUPS: GatewaySetup[] = [
  { name: "in-process limits on PGlite", backend: "pglite", redis: false },
  { name: "Redis limits on PostgreSQL", backend: "postgres", redis: true },
];

/** An OpenAI chat body for the fake upstream's model. */
export const chat = (content: string, extra: Record<string, unknown> = {}) => ({ model: "fake-model", messages: [{ role: "user", content }], ...extra });

export interface GatewayFixture {
  hub: TestHub;
  upstream: FakeUpstream;
  key: string;
  token: string;
  userId: number;
  /** The fixture user's sign-in, for console pages. */
  email: string;
  password: string;
  /** POSTs an OpenAI chat body with the fixture's key (or `key`). */
  post(body: unknown, key?: string): Promise<Response>;
  quotaUsed(): Promise<number>;
  /** The fixture user's usage records, after flushing. */
  recordsOf(): Promise<Array<typeof usageRecords.$inferSelect>>;
  close(): Promise<void>;
}

/**
 * Starts a fake upstream and a hub on `setup`, registers a user and creates a key with a generous limit; `database`
 * and `env` as for createTestHub.
 */
export async function openGatewayFixture(setup: GatewaySetup, options: { database?: Database; env?: Record<string, string> } = {}): Promise<GatewayFixture> {
  const upstream = startFakeUpstream({ apiKey: "sk-upstream-secret" });
  const hub = await createTestHub({
    backend: setup.backend,
    redis: setup.redis,
    database: options.database,
    env: { UPSTREAM_BASE_URL: upstream.url, UPSTREAM_API_KEY: "sk-upstream-secret", UPSTREAM_MODELS: "fake-model,other-model", UPSTREAM_INPUT_PRICE: "1", UPSTREAM_OUTPUT_PRICE: "2", UPSTREAM_TIMEOUT_MS: "1000", ...options.env },
  });
  const account = await registerUser(hub);
  const userId = account.user.id;
  // A generous limit so a suite's many calls are not rate limited.
  await hub.runtime.deps.database.db.update(users).set({ rateLimitCeiling: 100_000 }).where(eq(users.id, userId));
  const key = (await createKey(hub, account.token, { rate_limit: 100_000 })).key;
  return {
    hub,
    upstream,
    key,
    token: account.token,
    userId,
    email: account.email,
    password: account.password,
    post: (body, k = key) => hub.request("/v1/chat/completions", { method: "POST", token: k, json: body }),
    quotaUsed: async () => ((await (await hub.request("/api/v1/developer/usage/current", { token: account.token })).json()) as { quota_used: number }).quota_used,
    async recordsOf() {
      await hub.runtime.flushUsage();
      return await hub.runtime.deps.database.db.select().from(usageRecords).where(eq(usageRecords.userId, userId));
    },
    async close() {
      await hub.close();
      await upstream.stop();
    },
  };
}

/** Runs `body` once per setup inside its own describe, with a fixture opened before its tests and closed after. */
export function describeGatewaySetups(body: (f: GatewayFixture, setup: GatewaySetup) => void): void {
  for (const setup of GATEWAY_SETUPS) {
    describe(`developer API with ${setup.name}`, () => {
      let opened: GatewayFixture | null = null;
      beforeAll(async () => {
        opened = await openGatewayFixture(setup);
      }, 60_000);
      afterAll(() => opened?.close());
      // Tests run after beforeAll: by then every property reads the opened fixture.
      const f = new Proxy({} as GatewayFixture, { get: (_, name) => opened![name as keyof GatewayFixture] });
      body(f, setup);
    });
  }
}
