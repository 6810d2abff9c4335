// Model names through the admin API on both backends: every id and alias picks one model, as in UPSTREAMS_FILE.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { catalogModels } from "../db/schema/mod.ts";
import { json, registerAdmin } from "../testing/admin.ts";
import { BACKENDS } from "../testing/databases.ts";
import { writeUpstreamsFile } from "../testing/fake_deployments.ts";
import { startFakeUpstream } from "../testing/fake_upstream.ts";
import { createKey, createTestHub, registerUser, type TestHub } from "../testing/harness.ts";

for (const backend of BACKENDS) {
  describe(`model names through the admin API on ${backend}`, () => {
    const fake = startFakeUpstream();
    // `hub` has fm (alias fmini) from its UPSTREAMS_FILE; `plain` has none, so it serves the built-in demo model.
    let hub: TestHub;
    let plain: TestHub;
    let admin: Awaited<ReturnType<typeof registerAdmin>>;
    const models = async (on: TestHub) => (await json(on, "/api/v1/admin/models", { token: admin.token })).body.models;
    const lastAudit = async () => (await json(hub, "/api/v1/admin/audit", { token: admin.token })).body.entries[0]?.id;

    beforeAll(async () => {
      const file = writeUpstreamsFile({ upstreams: [{ name: "fake", base_url: fake.url }], models: [{ id: "fm", aliases: ["fmini"], upstream: "fake", upstream_model: "fake-model" }] });
      hub = await createTestHub({ backend, env: { UPSTREAMS_FILE: file } });
      plain = await createTestHub({ backend });
      admin = await registerAdmin(hub);
      expect((await json(hub, "/api/v1/admin/upstreams", { token: admin.token, json: { name: "nm-u2", base_url: fake.url } })).status).toBe(201);
      expect((await json(hub, "/api/v1/admin/models", { token: admin.token, json: { id: "nm-m2", aliases: ["nm-two"], upstream: "nm-u2" } })).status).toBe(201);
      await plain.runtime.deps.catalog.reload();
    }, 60_000);
    afterAll(async () => {
      await hub.runtime.deps.database.db.delete(catalogModels).where(eq(catalogModels.id, "nm-m2"));
      await json(hub, "/api/v1/admin/upstreams/nm-u2", { method: "DELETE", token: admin.token });
      await hub.close();
      await plain.close();
      await fake.stop();
    });

    test("POST refuses an id or alias that is already a name of another model (409 naming the field), and stores nothing", async () => {
      const before = JSON.stringify(await models(hub));
      const audit = await lastAudit();
      const cases: Array<[TestHub, Record<string, unknown>, string, string]> = [
        [hub, { id: "nm-12", aliases: ["fm"], upstream: "nm-u2" }, "aliases", "fm"],
        [hub, { id: "nm-12", aliases: ["fmini"], upstream: "nm-u2" }, "aliases", "fm"],
        [hub, { id: "nm-12", aliases: ["nm-ok", "nm-m2"], upstream: "nm-u2" }, "aliases", "nm-m2"],
        [hub, { id: "nm-12", aliases: ["nm-two"], upstream: "nm-u2" }, "aliases", "nm-m2"],
        [hub, { id: "fmini", upstream: "nm-u2" }, "id", "fm"],
        [hub, { id: "nm-two", upstream: "nm-u2" }, "id", "nm-m2"],
        [plain, { id: "nm-12", aliases: ["demo"], upstream: "nm-u2" }, "aliases", "demo"],
      ];
      for (const [on, body, field, owner] of cases) {
        const answer = await json(on, "/api/v1/admin/models", { token: admin.token, json: body });
        expect([body, answer.status]).toEqual([body, 409]);
        expect(answer.body.detail).toContain(`'${field}'`);
        expect(answer.body.detail).toContain(`model "${owner}"`);
      }
      // A model's own id is taken already: the refusal it always had.
      for (const [on, id] of [[hub, "fm"], [hub, "nm-m2"], [plain, "demo"]] as const) {
        const answer = await json(on, "/api/v1/admin/models", { token: admin.token, json: { id, upstream: "nm-u2" } });
        expect([id, answer.status, answer.body.detail]).toEqual([id, 409, `A model with id "${id}" already exists`]);
      }
      expect(JSON.stringify(await models(hub))).toBe(before);
      expect(await lastAudit()).toBe(audit);
      // The names still pick the models they picked.
      const key = await createKey(hub, (await registerUser(hub)).token);
      for (const name of ["fm", "fmini"]) {
        const chat = await hub.request("/v1/chat/completions", { method: "POST", token: key.key, json: { model: name, messages: [{ role: "user", content: "hi" }] } });
        expect([name, chat.status, chat.headers.get("x-aihub-upstream")]).toEqual([name, 200, "fake"]);
      }
    });

    test("POST refuses an alias listed twice or equal to the model's own id (422 naming 'aliases')", async () => {
      for (const body of [{ id: "nm-a6", aliases: ["a6", "a6"], upstream: "nm-u2" }, { id: "nm-self", aliases: ["nm-self"], upstream: "nm-u2" }]) {
        const answer = await json(hub, "/api/v1/admin/models", { token: admin.token, json: body });
        expect([body, answer.status]).toEqual([body, 422]);
        expect(answer.body.detail).toContain("'aliases'");
      }
      expect((await models(hub)).map((m: { id: string }) => m.id)).not.toContain("nm-a6");
    });

    test("PATCH refuses aliases taken by another model or repeating its own names; its own aliases stay its own", async () => {
      const refused: Array<[Record<string, unknown>, number]> = [[{ aliases: ["fm"] }, 409], [{ aliases: ["fmini"] }, 409], [{ aliases: ["nm-x", "nm-x"] }, 422], [{ aliases: ["nm-m2"] }, 422]];
      for (const [body, status] of refused) {
        const answer = await json(hub, "/api/v1/admin/models/nm-m2", { method: "PATCH", token: admin.token, json: body });
        expect([body, answer.status]).toEqual([body, status]);
        expect(answer.body.detail).toContain("'aliases'");
      }
      expect((await models(hub)).find((m: { id: string }) => m.id === "nm-m2").aliases).toEqual(["nm-two"]);
      const kept = await json(hub, "/api/v1/admin/models/nm-m2", { method: "PATCH", token: admin.token, json: { aliases: ["nm-two", "nm-deux"], input_price: 1 } });
      expect([kept.status, kept.body.aliases]).toEqual([200, ["nm-two", "nm-deux"]]);
      expect((await json(hub, "/api/v1/admin/models/nm-m2", { method: "PATCH", token: admin.token, json: { input_price: 2 } })).status).toBe(200);
    });

    test("names are checked against the database, not only this instance's copy of the catalog", async () => {
      const db = hub.runtime.deps.database.db;
      // Stored by another instance a moment ago: this hub has not reloaded it yet.
      await db.insert(catalogModels).values({ id: "nm-elsewhere", name: "nm-elsewhere", aliases: ["nm-fresh"], inputPrice: 0, outputPrice: 0, deployments: [{ upstream: "nm-u2", upstream_model: "x", priority: 1, weight: 1 }] });
      try {
        const answer = await json(hub, "/api/v1/admin/models", { token: admin.token, json: { id: "nm-late", aliases: ["nm-fresh"], upstream: "nm-u2" } });
        expect([answer.status, answer.body.detail]).toEqual([409, expect.stringContaining('model "nm-elsewhere"')]);
      } finally {
        await db.delete(catalogModels).where(eq(catalogModels.id, "nm-elsewhere"));
        await hub.runtime.deps.catalog.reload();
      }
    });

    test("two instances giving one alias to two new models at once: one is created, the other refused", async () => {
      const db = hub.runtime.deps.database.db;
      const create = (on: TestHub, id: string) => on.runtime.deps.catalog.createModel({ id, aliases: ["nm-race"], upstream: "nm-u2" });
      try {
        const answers = await Promise.all([create(hub, "nm-race-a"), create(plain, "nm-race-b")]);
        expect(answers.map((a) => a.ok ? "created" : a.code).sort()).toEqual(["created", "name_taken"]);
        const rows = await db.select({ id: catalogModels.id, aliases: catalogModels.aliases }).from(catalogModels);
        expect(rows.filter((r) => r.aliases.includes("nm-race"))).toHaveLength(1);
      } finally {
        for (const id of ["nm-race-a", "nm-race-b"]) await db.delete(catalogModels).where(eq(catalogModels.id, id));
      }
    });
  });
}
