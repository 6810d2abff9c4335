// Upstreams that fail on purpose (a refused port, a listener that resets every connection) and a hub whose
// UPSTREAMS_FILE routes a model over several of them, for the failover suites.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { usageRecords, users } from "../db/schema/mod.ts";
import { createKey, createTestHub, registerUser, type TestHub } from "./harness.ts";

/** A loopback URL nothing listens on (a port just closed): connections are refused. */
export function refusedUrl(): string {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = server.port;
  server.stop(true);
  return `http://127.0.0.1:${port}/v1`;
}

/** A listener that accepts each connection and resets it at once, counting them. */
export function startResettingUpstream(): { url: string; connections(): number; stop(): void } {
  let count = 0;
  const listener = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      open(socket) {
        count++;
        socket.terminate();
      },
      data() {},
    },
  });
  return { url: `http://127.0.0.1:${listener.port}/v1`, connections: () => count, stop: () => listener.stop(true) };
}

/** Writes an UPSTREAMS_FILE (the contract's JSON) to a temporary directory and returns its path. */
export function writeUpstreamsFile(spec: Record<string, unknown>): string {
  const file = join(mkdtempSync(join(tmpdir(), "aihub-routing-")), "upstreams.json");
  writeFileSync(file, JSON.stringify(spec));
  return file;
}

export interface RoutingHub {
  hub: TestHub;
  key: string;
  post(path: string, body: unknown): Promise<Response>;
  quotaUsed(): Promise<number>;
  records(): Promise<Array<typeof usageRecords.$inferSelect>>;
  close(): Promise<void>;
}

/** A PGlite hub (in-process limits and health) routing by `spec`, with a user and a key of a generous limit. */
export async function openRoutingHub(spec: Record<string, unknown>, options: { redis?: boolean } = {}): Promise<RoutingHub> {
  const hub = await createTestHub({ backend: options.redis ? "postgres" : "pglite", redis: options.redis, env: { UPSTREAMS_FILE: writeUpstreamsFile(spec), UPSTREAM_TIMEOUT_MS: "2000" } });
  const account = await registerUser(hub);
  await hub.runtime.deps.database.db.update(users).set({ rateLimitCeiling: 100_000 }).where(eq(users.id, account.user.id));
  const key = (await createKey(hub, account.token, { rate_limit: 100_000 })).key;
  return {
    hub,
    key,
    post: (path, body) => hub.request(path, { method: "POST", token: key, json: body }),
    quotaUsed: async () => ((await (await hub.request("/api/v1/developer/usage/current", { token: account.token })).json()) as { quota_used: number }).quota_used,
    async records() {
      await hub.runtime.flushUsage();
      return await hub.runtime.deps.database.db.select().from(usageRecords).where(eq(usageRecords.userId, account.user.id));
    },
    close: () => hub.close(),
  };
}
