// The landing page and the public model catalogue, in both languages, for visitors and signed-in users.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { DeploymentStatus } from "../chat/mod.ts";
import type { ModelConfig } from "../config.ts";
import { demoModel } from "../config_upstreams.ts";
import { BACKENDS } from "../testing/databases.ts";
import { Visitor } from "../testing/console_visitor.ts";
import { createTestHub, type TestHub } from "../testing/harness.ts";
import { publicModel } from "./public_pages.ts";

const EN = { "accept-language": "en-US,en;q=0.9" };
let addressCount = 0;
const freshAddress = () => `192.0.2.${addressCount++ % 250}`;

function status(model: string, state: DeploymentStatus["state"]): DeploymentStatus {
  return { model, upstream: "up1", upstream_model: model, priority: 1, weight: 1, keys_out: [], state, cooling_until: null, consecutive_failures: state === "healthy" ? 0 : 3 };
}

describe("publicModel()", () => {
  const paid: ModelConfig = { id: "gpt-x", name: "GPT X", upstream: "up1", upstreamModel: "gpt-x", inputPrice: 0.15, outputPrice: 0.6, free: false };

  test("the demo model is always up", () => {
    expect(publicModel(demoModel({ input: 0, output: 0 }), [status("demo", "cooling_down")]).up).toBe(true);
  });

  test("a model is up while any deployment is healthy, down when all cool down", () => {
    expect(publicModel(paid, [status("gpt-x", "cooling_down"), status("gpt-x", "healthy")]).up).toBe(true);
    expect(publicModel(paid, [status("gpt-x", "cooling_down"), status("other", "healthy")]).up).toBe(false);
  });

  test("without statuses there is no health to show; providers come from the deployments", () => {
    const shown = publicModel({ ...paid, deployments: [{ upstream: "up1", upstreamModel: "a", priority: 1, weight: 1 }, { upstream: "up2", upstreamModel: "a", priority: 2, weight: 1 }] });
    expect(shown.up).toBeUndefined();
    expect(shown.providers).toEqual(["up1", "up2"]);
  });
});

describe("public pages", () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({
      backend: BACKENDS[0]!,
      env: { UPSTREAM_BASE_URL: "http://127.0.0.1:9/v1", UPSTREAM_API_KEY: "sk-test", UPSTREAM_MODELS: "paid-model, free-model", UPSTREAM_INPUT_PRICE: "0.15", UPSTREAM_OUTPUT_PRICE: "0.6" },
    });
  }, 60_000);
  afterAll(() => hub.close());

  test("/ shows visitors what the hub is, its models with prices per million tokens and a sign-up button, in zh-CN", async () => {
    const response = await hub.request("/");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain("AI Hub：一个密钥，调用所有模型");
    expect(html).toContain("价格单位：美元 / 百万 Tokens。");
    for (const id of ["paid-model", "free-model"]) expect(html).toContain(`<code class="mono">${id}</code>`);
    expect(html).toContain("<dt>输入价格</dt><dd>$0.15</dd>");
    expect(html).toContain("<dt>输出价格</dt><dd>$0.6</dd>");
    expect(html).toContain('<a class="button" href="/register">免费注册</a>');
    expect(html).toContain('href="/models"');
  });

  test("pages name the hub's icon, and /favicon.ico serves it (browsers ask there first)", async () => {
    expect(await (await hub.request("/")).text()).toContain('<link rel="icon" href="/static/favicon.svg" type="image/svg+xml"/>');
    for (const path of ["/static/favicon.svg", "/favicon.ico"]) {
      const icon = await hub.request(path);
      expect(icon.status).toBe(200);
      expect(icon.headers.get("content-type")).toBe("image/svg+xml");
      expect(await icon.text()).toStartWith("<svg");
    }
  });

  test("/ in English", async () => {
    const html = await (await hub.request("/", { headers: EN })).text();
    expect(html).toContain("AI Hub: one key for every model");
    expect(html).toContain("Prices in USD per million tokens.");
    expect(html).toContain('<a class="button" href="/register">Sign up free</a>');
    expect(html).toContain("<dt>Input</dt><dd>$0.15</dd>");
  });

  test("/ sends signed-in users to the dashboard", async () => {
    const visitor = new Visitor(hub, freshAddress());
    await visitor.register(`landing-${Date.now().toString(36)}@example.com`);
    const response = await visitor.send("/");
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/dashboard");
  });

  test("/models lists every model with provider, prices and whether it is up, in both languages", async () => {
    const zh = await hub.request("/models");
    expect(zh.status).toBe(200);
    const html = await zh.text();
    expect(html).toContain("<h1>模型列表</h1>");
    expect(html).toContain("本站提供 2 个模型。");
    for (const id of ["paid-model", "free-model"]) expect(html).toContain(`<code class="mono">${id}</code>`);
    expect(html).toContain("<dt>提供方</dt>");
    expect(html).toContain('<span class="badge ok">可用</span>');
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1"/>');
    const en = await (await hub.request("/models", { headers: EN })).text();
    expect(en).toContain("<h1>Model catalogue</h1>");
    expect(en).toContain("<dt>Provider</dt>");
    expect(en).toContain("<dt>Output</dt><dd>$0.6</dd>");
    expect(en).toContain('<span class="badge ok">Up</span>');
  });

  test("/models is open to signed-in users too, and linked from their nav", async () => {
    const visitor = new Visitor(hub, freshAddress());
    await visitor.register(`catalogue-${Date.now().toString(36)}@example.com`);
    const html = await visitor.open("/models");
    expect(html).toContain('<a href="/models" aria-current="page">模型列表</a>');
    expect(html).not.toContain("免费注册");
  });
});
