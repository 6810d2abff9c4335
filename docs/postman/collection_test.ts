// The Postman collection in docs/postman runs green with newman against a live hub.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type HubProcess, spawnHub } from "../../src/testing/process.ts";

describe("the Postman collection", () => {
  let hub: HubProcess;
  beforeAll(async () => {
    hub = await spawnHub({ DATA_DIR: mkdtempSync(join(tmpdir(), "aihub-newman-")), DEMO_CHUNK_DELAY_MS: "0" });
  }, 60_000);
  afterAll(async () => {
    await hub?.stop();
  });

  test("runs every request and assertion with newman", async () => {
    const report = join(mkdtempSync(join(tmpdir(), "aihub-newman-report-")), "report.json");
    // newman is a Node.js program: run it with node, as a user would.
    const run = Bun.spawn(["node", "node_modules/newman/bin/newman.js", "run", "docs/postman/ai-hub.postman_collection.json", "--env-var", `baseUrl=${hub.base}`, "--reporters", "cli,json", "--reporter-json-export", report, "--color", "off"], { stdout: "pipe", stderr: "pipe" });
    const [code, out, err] = [await run.exited, await new Response(run.stdout).text(), await new Response(run.stderr).text()];
    if (code !== 0) console.log(out, err);
    expect(code).toBe(0);
    const summary = (await Bun.file(report).json()) as { run: { stats: { requests: { total: number; failed: number }; assertions: { total: number; failed: number } } } };
    expect(summary.run.stats.requests.total).toBe(16);
    expect(summary.run.stats.assertions.failed).toBe(0);
    expect(summary.run.stats.assertions.total).toBeGreaterThanOrEqual(17);
  }, 60_000);
});
