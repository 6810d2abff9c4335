// Two hub processes on one Redis share deployment health: the second skips what the first found dead.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { freshPostgresUrl, REDIS_URL } from "../testing/databases.ts";
import { startResettingUpstream, writeUpstreamsFile } from "../testing/fake_deployments.ts";
import { type FakeUpstream, startFakeUpstream } from "../testing/fake_upstream.ts";
import { TEST_JWT_SECRET } from "../testing/harness.ts";
import { call, type HubProcess, spawnHub } from "../testing/process.ts";

describe("two hub processes sharing Redis", () => {
  let hubs: HubProcess[] = [];
  let dead: ReturnType<typeof startResettingUpstream>;
  let healthy: FakeUpstream;

  beforeAll(async () => {
    dead = startResettingUpstream();
    healthy = startFakeUpstream();
    const file = writeUpstreamsFile({
      upstreams: [{ name: "dead", base_url: dead.url }, { name: "healthy", base_url: healthy.url }],
      models: [{ id: "m", deployments: [{ upstream: "dead", priority: 1 }, { upstream: "healthy", priority: 2 }] }],
      cooldown: { failures: 2, seconds: 30 },
    });
    const env = { DATABASE_URL: await freshPostgresUrl(), REDIS_URL, REDIS_PREFIX: `aihub-health-${process.pid}-${Date.now().toString(36)}`, JWT_SECRET: TEST_JWT_SECRET, UPSTREAMS_FILE: file };
    hubs = [await spawnHub(env), await spawnHub(env)];
  }, 60_000);
  afterAll(async () => {
    for (const hub of hubs) if (hub.proc.exitCode === null) await hub.stop("SIGKILL");
    dead.stop();
    await healthy.stop();
  });

  test("the second hub does not pay the first's failures: the dead deployment cools down for both", async () => {
    const [first, second] = [hubs[0]!.base, hubs[1]!.base];
    const email = `health${Math.random().toString(36).slice(2)}@example.com`;
    const { access_token } = (await (await call(first, "/api/v1/auth/register", { json: { email, password: "shared-health-password" } })).json()) as { access_token: string };
    const { key } = (await (await call(first, "/api/v1/developer/api-keys", { token: access_token, json: { name: "health" } })).json()) as { key: string };
    const chat = { model: "m", messages: [{ role: "user", content: "hi" }] };
    const attemptsOn = async (base: string) => {
      const r = await call(base, "/v1/chat/completions", { token: key, json: chat });
      expect(r.status).toBe(200);
      await r.arrayBuffer();
      return [r.headers.get("x-aihub-upstream"), r.headers.get("x-aihub-attempts")];
    };
    expect(await attemptsOn(first)).toEqual(["healthy", "2"]);
    expect(await attemptsOn(first)).toEqual(["healthy", "2"]);
    const connections = dead.connections();
    for (let i = 0; i < 5; i++) expect(await attemptsOn(second)).toEqual(["healthy", "1"]);
    expect(await attemptsOn(first)).toEqual(["healthy", "1"]);
    expect(dead.connections()).toBe(connections);
  }, 60_000);
});
