// The developer docs' runnable examples, run as their readers would run them, against one live hub process.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { call, type HubProcess, spawnHub } from "../../src/testing/process.ts";

const EXAMPLES = join(import.meta.dir, "examples");
const DEMO_REPLY = "offline demo model";

/** Each example and the command that runs it. */
const examples: Array<{ name: string; cmd: string[] }> = [
  { name: "python/basic_chat.py", cmd: ["python3", join(EXAMPLES, "python/basic_chat.py")] },
  { name: "python/streaming.py", cmd: ["python3", join(EXAMPLES, "python/streaming.py")] },
  { name: "javascript/basic_chat.js", cmd: [process.execPath, join(EXAMPLES, "javascript/basic_chat.js")] },
  { name: "curl/examples.sh", cmd: ["bash", join(EXAMPLES, "curl/examples.sh")] },
];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** How many separate reads stdout arrived in (more than one: the output was streamed). */
  reads: number;
}

/** Runs an example with AIHUB_BASE_URL and AIHUB_API_KEY set, as a reader would. */
async function runExample(cmd: string[], env: { base: string; key: string }): Promise<Run> {
  const childEnv: Record<string, string | undefined> = { ...process.env, AIHUB_BASE_URL: env.base, AIHUB_API_KEY: env.key, PYTHONUNBUFFERED: "1" };
  delete childEnv.AIHUB_MODEL;
  const proc = Bun.spawn(cmd, { cwd: EXAMPLES, env: childEnv, stdout: "pipe", stderr: "pipe" });
  const stderr = new Response(proc.stderr).text();
  const decoder = new TextDecoder();
  let stdout = "";
  let reads = 0;
  const reader = proc.stdout.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    stdout += decoder.decode(read.value, { stream: true });
    reads++;
  }
  return { code: await proc.exited, stdout, stderr: await stderr, reads };
}

describe("docs/developer examples against a live hub", () => {
  const dir = mkdtempSync(join(tmpdir(), "aihub-docs-"));
  let hub: HubProcess;
  let key: string;

  beforeAll(async () => {
    hub = await spawnHub({ DATA_DIR: join(dir, "data") });
    const registered = await call(hub.base, "/api/v1/auth/register", { json: { email: "docs@example.com", password: "docs-examples-pass" } });
    expect(registered.status).toBe(201);
    const { access_token } = await registered.json() as { access_token: string };
    const created = await call(hub.base, "/api/v1/developer/api-keys", { token: access_token, json: { name: "docs examples" } });
    expect(created.status).toBe(201);
    key = (await created.json() as { key: string }).key;
    expect(key).toMatch(/^ai-hub-[A-Za-z0-9_-]{43}$/);
  }, 60_000);

  afterAll(async () => {
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const example of examples) {
    test(`${example.name} exits 0 and prints the demo model's reply`, async () => {
      const run = await runExample(example.cmd, { base: hub.base, key });
      // Matched as one object so a failure shows the example's stderr.
      expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
      expect(run.stdout).toContain(DEMO_REPLY);
    });
  }

  test("python/streaming.py prints the deltas as they arrive, not at the end", async () => {
    const run = await runExample(examples[1]!.cmd, { base: hub.base, key });
    expect(run.code).toBe(0);
    expect(run.reads).toBeGreaterThan(3);
  });

  for (const example of examples) {
    test(`${example.name} exits non-zero with the hub's message when the key is invalid`, async () => {
      const run = await runExample(example.cmd, { base: hub.base, key: `ai-hub-${"0".repeat(43)}` });
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain("Invalid or expired API key");
      expect(run.stdout).not.toContain(DEMO_REPLY);
    });
  }
});
