// The catalog forms on /admin/catalog say refused changes (a name taken, an upstream in use, an entry gone or
// read-only) in the page's language, naming the entries; the admin API keeps its English contract messages.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { changeUser } from "../admin/users.ts";
import { findUserByEmail } from "../auth/mod.ts";
import { BACKENDS } from "../testing/databases.ts";
import { Visitor } from "../testing/console_visitor.ts";
import { registerAdmin } from "../testing/admin.ts";
import { createTestHub, type TestHub } from "../testing/harness.ts";
import { type Lang, LANG_COOKIE } from "./i18n.ts";

type Case = "upstreamExists" | "inUse" | "modelExists" | "nameTaken" | "modelGone" | "readOnly";
const WORDS: Record<Lang, Record<Case, string>> = {
  "zh-CN": {
    upstreamExists: "已存在名为 “fake” 的上游。",
    inUse: "上游 “fake” 仍在为模型 “fake-model” 提供服务：请先删除该模型或将其改用其他上游。",
    modelExists: "已存在 id 为 “demo” 的模型。",
    nameTaken: "名称 “fake-alias” 已属于模型 “fake-model”：每个 id 和别名只能对应一个模型。",
    modelGone: "找不到模型 “ghost-model”，它可能已被删除。",
    readOnly: "模型 “demo” 来自配置（环境变量或 UPSTREAMS_FILE），只读。",
  },
  en: {
    upstreamExists: "An upstream named “fake” already exists.",
    inUse: "The upstream “fake” still serves the model “fake-model”: remove the model or move it to another upstream first.",
    modelExists: "A model with id “demo” already exists.",
    nameTaken: "The name “fake-alias” already belongs to the model “fake-model”: every id and alias must name one model.",
    modelGone: "The model “ghost-model” was not found; it may have been removed.",
    readOnly: "The model “demo” comes from the configuration (environment or UPSTREAMS_FILE) and is read-only.",
  },
};

describe(`catalog form refusals on ${BACKENDS[0]}`, () => {
  let hub: TestHub;
  let admin: Visitor;
  beforeAll(async () => {
    hub = await createTestHub({ backend: BACKENDS[0]! });
    admin = new Visitor(hub, "198.51.100.70");
    const mail = `catalog-i18n-${Date.now().toString(36)}@example.com`;
    expect((await admin.register(mail)).status).toBe(303);
    await changeUser(hub.runtime.deps.database.db, (await findUserByEmail(hub.runtime.deps.database.db, mail))!.id, { role: "admin" });
  }, 60_000);
  afterAll(() => hub.close());

  /** Posts a catalog form and returns the alert above the forms (the refusal), checking its status. */
  async function refusal(path: string, form: Record<string, string>, status: number): Promise<string> {
    const response = await admin.post(path, form);
    const html = await response.text();
    expect([path, response.status]).toEqual([path, status]);
    return /<p class="alert" role="alert">([^<]*)</.exec(html)?.[1] ?? html;
  }

  for (const lang of ["zh-CN", "en"] as const) {
    test(`an upstream taken or in use, and a model id taken, gone or read-only, are said in ${lang}`, async () => {
      admin.cookies.set(LANG_COOKIE, lang);
      await admin.open("/admin/catalog");
      const words = WORDS[lang];
      const model = { upstream: "fake", input_price: "0", output_price: "0", intent: "save" };
      expect((await admin.post("/admin/upstreams", { name: "fake", base_url: "https://fake.example/v1" })).status).toBe(303);
      try {
        expect(await refusal("/admin/upstreams", { name: "fake", base_url: "https://other.example/v1" }, 409)).toBe(words.upstreamExists);
        expect((await hub.runtime.deps.catalog.createModel({ id: "fake-model", aliases: ["fake-alias"], upstream: "fake" })).ok).toBe(true);
        expect(await refusal("/admin/upstreams/delete", { name: "fake" }, 409)).toBe(words.inUse);
        expect(await refusal("/admin/models", { ...model, id: "demo" }, 409)).toBe(words.modelExists);
        expect(await refusal("/admin/models", { ...model, id: "fake-alias" }, 409)).toBe(words.nameTaken);
        expect(await refusal("/admin/models/delete", { id: "ghost-model" }, 404)).toBe(words.modelGone);
        expect(await refusal("/admin/models/delete", { id: "demo" }, 409)).toBe(words.readOnly);
      } finally {
        await admin.post("/admin/models/delete", { id: "fake-model" });
        expect((await admin.post("/admin/upstreams/delete", { name: "fake" })).status).toBe(303);
      }
    }, 30_000);
  }

  test("the admin API keeps the English messages", async () => {
    const { token } = await registerAdmin(hub);
    expect((await hub.request("/api/v1/admin/upstreams", { method: "POST", token, json: { name: "fake-api", base_url: "https://fake.example/v1" } })).status).toBe(201);
    expect((await hub.request("/api/v1/admin/models", { method: "POST", token, json: { id: "fake-api-model", upstream: "fake-api" } })).status).toBe(201);
    try {
      const answers = [
        await hub.request("/api/v1/admin/upstreams", { method: "POST", token, json: { name: "fake-api", base_url: "https://fake.example/v1" } }),
        await hub.request("/api/v1/admin/upstreams/fake-api", { method: "DELETE", token }),
        await hub.request("/api/v1/admin/models", { method: "POST", token, json: { id: "demo", upstream: "fake-api" } }),
      ];
      expect(await Promise.all(answers.map(async (a) => [a.status, await a.json()]))).toEqual([
        [409, { detail: `An upstream named "fake-api" already exists` }],
        [409, { detail: `Upstream "fake-api" still serves model "fake-api-model": remove or move the model first` }],
        [409, { detail: `A model with id "demo" already exists` }],
      ]);
    } finally {
      await hub.request("/api/v1/admin/models/fake-api-model", { method: "DELETE", token });
      await hub.request("/api/v1/admin/upstreams/fake-api", { method: "DELETE", token });
    }
  });
});
