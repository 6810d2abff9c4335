// Webhooks end to end on both backends: signed deliveries checked with only the documented scheme, retries after a 500,
// private-address refusal, and no user reaching another's webhooks.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { BACKENDS } from "../testing/databases.ts";
import { createKey, createTestHub, registerUser, type TestHub } from "../testing/harness.ts";
import { isPrivateAddress } from "./guard.ts";

interface Received {
  body: string;
  signature: string;
}

/** A receiver on loopback answering with the statuses in `plan` (then 200). */
function startReceiver(plan: number[] = []) {
  const received: Received[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      received.push({ body: await request.text(), signature: request.headers.get("aihub-signature") ?? "" });
      return new Response("ok", { status: plan.shift() ?? 200 });
    },
  });
  return { url: `http://127.0.0.1:${server.port}/hook`, received, stop: () => server.stop(true) };
}

/** The docs' verification: t and v1 from the header, HMAC-SHA256 of "<t>.<raw body>" with the secret. */
function verified(secret: string, { body, signature }: Received): boolean {
  const parts = Object.fromEntries(signature.split(",").map((p) => p.split("=")));
  return parts.v1 === createHmac("sha256", secret).update(`${parts.t}.${body}`).digest("hex") && Math.abs(Date.now() / 1000 - Number(parts.t)) < 300;
}

async function until<T>(read: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error("timed out");
    await Bun.sleep(25);
  }
}

test("isPrivateAddress() refuses loopback, link-local, private and mapped addresses, not public ones", () => {
  for (const a of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1"]) expect(isPrivateAddress(a)).toBe(true);
  for (const a of ["93.184.216.34", "8.8.8.8", "2606:4700::1111"]) expect(isPrivateAddress(a)).toBe(false);
});

for (const backend of BACKENDS) {
  describe(`webhooks on ${backend}`, () => {
    let hub: TestHub;
    beforeAll(async () => {
      hub = await createTestHub({ backend, env: { WEBHOOK_ALLOW_PRIVATE: "true", NOTIFY_WORKERS: "on", NOTIFY_POLL_MS: "50", NOTIFY_RETRY_BASE_MS: "200" } });
    }, 60_000);
    afterAll(() => hub.close());

    test("a revoked key's event arrives signed as documented; the secret is shown once", async () => {
      const receiver = startReceiver();
      try {
        const { token } = await registerUser(hub);
        const created = await hub.request("/api/v1/developer/webhooks", { method: "POST", token, json: { url: receiver.url, events: ["key.revoked"] } });
        expect(created.status).toBe(201);
        const hook = await created.json() as { id: number; secret: string; events: string[] };
        expect(hook.secret).toStartWith("whsec_");
        const listed = await (await hub.request("/api/v1/developer/webhooks", { token })).json() as { webhooks: Array<Record<string, unknown>> };
        expect(listed.webhooks[0]).not.toHaveProperty("secret");
        const key = await createKey(hub, token);
        expect((await hub.request(`/api/v1/developer/api-keys/${key.id}`, { method: "DELETE", token })).status).toBe(204);
        const delivery = await until(() => receiver.received[0]);
        expect(verified(hook.secret, delivery)).toBe(true);
        expect(verified("whsec_wrong", delivery)).toBe(false);
        const event = JSON.parse(delivery.body);
        expect(Object.keys(event).sort()).toEqual(["created_at", "data", "id", "type"]);
        expect(event).toMatchObject({ type: "key.revoked", data: { key_id: key.id, key_prefix: key.key_prefix } });
      } finally {
        receiver.stop();
      }
    });

    test("a receiver answering 500 then 200 gets the event twice, then it is marked delivered", async () => {
      const receiver = startReceiver([500]);
      try {
        const { token } = await registerUser(hub);
        const hook = await (await hub.request("/api/v1/developer/webhooks", { method: "POST", token, json: { url: receiver.url, events: ["quota.threshold"] } })).json() as { id: number };
        expect((await hub.request(`/api/v1/developer/webhooks/${hook.id}/test`, { method: "POST", token })).status).toBe(202);
        const delivered = await until(async () => {
          const { deliveries } = await (await hub.request(`/api/v1/developer/webhooks/${hook.id}/deliveries`, { token })).json() as { deliveries: Array<{ status: string; attempts: number; response_code: number }> };
          return deliveries[0]?.status === "delivered" ? deliveries[0] : undefined;
        });
        expect(delivered).toMatchObject({ attempts: 2, response_code: 200 });
        await Bun.sleep(300);
        expect(receiver.received).toHaveLength(2);
        expect(receiver.received[0]!.body).toBe(receiver.received[1]!.body);
      } finally {
        receiver.stop();
      }
    });

    test("no user lists deliveries of, tests or deletes another user's webhook (404)", async () => {
      const owner = await registerUser(hub);
      const stranger = await registerUser(hub);
      const hook = await (await hub.request("/api/v1/developer/webhooks", { method: "POST", token: owner.token, json: { url: "http://127.0.0.1:9/x", events: ["key.revoked"] } })).json() as { id: number };
      for (const [method, path] of [["GET", `/${hook.id}/deliveries`], ["POST", `/${hook.id}/test`], ["DELETE", `/${hook.id}`]]) {
        expect((await hub.request(`/api/v1/developer/webhooks${path}`, { method, token: stranger.token })).status).toBe(404);
      }
      expect((await (await hub.request("/api/v1/developer/webhooks", { token: stranger.token })).json() as { webhooks: unknown[] }).webhooks).toEqual([]);
      expect((await hub.request(`/api/v1/developer/webhooks/${hook.id}`, { method: "DELETE", token: owner.token })).status).toBe(204);
    });

    test("an unknown or missing event is refused with 422 naming the field and the allowed events", async () => {
      const { token } = await registerUser(hub);
      const allowed = "quota.threshold, key.expiring, key.revoked";
      for (const [events, detail] of [
        [["key.revoked", "bogus"], `Invalid field 'events[1]': must be one of ${allowed}`],
        [["usage.x"], `Invalid field 'events[0]': must be one of ${allowed}`],
        [[], `Invalid field 'events': must list one or more of ${allowed}`],
      ] as const) {
        const refused = await hub.request("/api/v1/developer/webhooks", { method: "POST", token, json: { url: "http://127.0.0.1:9/hook", events } });
        expect(refused.status).toBe(422);
        expect(await refused.json()).toEqual({ detail });
      }
      expect((await (await hub.request("/api/v1/developer/webhooks", { token })).json() as { webhooks: unknown[] }).webhooks).toEqual([]);
    });

    test("without WEBHOOK_ALLOW_PRIVATE, URLs resolving to loopback or private addresses are refused", async () => {
      const strict = await createTestHub({ backend });
      try {
        const { token } = await registerUser(strict);
        for (const url of ["http://127.0.0.1:8080/hook", "http://localhost/hook", "http://10.0.0.5/hook", "http://169.254.169.254/latest", "http://[::1]/hook", "ftp://example.com/x"]) {
          const refused = await strict.request("/api/v1/developer/webhooks", { method: "POST", token, json: { url, events: ["key.revoked"] } });
          expect(refused.status).toBe(422);
        }
      } finally {
        await strict.close();
      }
    });
  });
}
