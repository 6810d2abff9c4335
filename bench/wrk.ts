// Drives load with wrk (an external C generator, so the load does not run on the benchmark's JS thread);
// falls back to the in-process generator in load.ts when wrk is not installed.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LoadResult, runLoad } from "./load.ts";

export const WRK = Bun.which("wrk");

const lua = (s: string) => JSON.stringify(s); // a JSON string literal is a valid Lua string literal for ASCII

function script(body: string, headers: Record<string, string>): string {
  return [
    `wrk.method = "POST"`,
    `wrk.body = ${lua(body)}`,
    `wrk.headers["content-type"] = "application/json"`,
    ...Object.entries(headers).map(([k, v]) => `wrk.headers[${lua(k)}] = ${lua(v)}`),
    `done = function(summary, latency, requests)`,
    `  local e = summary.errors`,
    `  io.write(string.format('\\nRESULT {"requests":%d,"duration":%d,"errors":%d,"nonOk":%d,"p50":%d,"p99":%d}\\n',`,
    `    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status, latency:percentile(50), latency:percentile(99)))`,
    `end`,
  ].join("\n");
}

/** Runs `connections` closed-loop connections POSTing `body` to `url` for `seconds`; latencies in ms. */
export async function runWrk(url: string, options: { body: string; headers?: Record<string, string>; connections: number; seconds: number }): Promise<LoadResult> {
  if (!WRK) return await runLoad(url, options);
  const dir = mkdtempSync(join(tmpdir(), "aihub-wrk-"));
  try {
    const file = join(dir, "post.lua");
    writeFileSync(file, script(options.body, options.headers ?? {}));
    const threads = Math.min(2, options.connections);
    const proc = Bun.spawn([WRK, "-t", String(threads), "-c", String(options.connections), "-d", `${Math.max(1, Math.round(options.seconds))}s`, "--timeout", "10s", "-s", file, url], { stdout: "pipe", stderr: "pipe" });
    const out = await new Response(proc.stdout).text();
    await proc.exited;
    const line = out.split("\n").find((l) => l.startsWith("RESULT "));
    if (!line) throw new Error(`wrk gave no result: ${out}${await new Response(proc.stderr).text()}`);
    const r = JSON.parse(line.slice(7)) as { requests: number; duration: number; errors: number; nonOk: number; p50: number; p99: number };
    return { requests: r.requests, errors: r.errors, nonOk: r.nonOk, rps: r.requests / (r.duration / 1e6), p50: r.p50 / 1000, p99: r.p99 / 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
