// Measures what a failover costs: a call whose first deployment refuses the connection and whose second answers,
// against a call that goes straight to the healthy one (same hub, same upstream), and prints the added p50.
// Run: node_modules/.bin/bun bench/failover_bench.ts   (in-process limits on PGlite: no services needed)
import { refusedUrl, openRoutingHub } from "../src/testing/fake_deployments.ts";
import { startFakeUpstream } from "../src/testing/fake_upstream.ts";

// At most 900: the refusing deployment must stay below its 1,000 failures in a row (the largest cooldown threshold).
const CALLS = Math.min(900, Number(process.env.BENCH_FAILOVER_CALLS ?? 400));

const upstream = startFakeUpstream({ record: false });
const hub = await openRoutingHub({
  upstreams: [{ name: "refusing", base_url: refusedUrl() }, { name: "healthy", base_url: upstream.url }],
  models: [
    { id: "direct", deployments: [{ upstream: "healthy", upstream_model: "fake-model" }] },
    // A cooldown that never starts, so every call pays the refused connection first.
    { id: "failover", deployments: [{ upstream: "refusing", upstream_model: "fake-model", priority: 1 }, { upstream: "healthy", upstream_model: "fake-model", priority: 2 }] },
  ],
  cooldown: { failures: 1000, seconds: 1 },
});
hub.hub.app.listen({ port: 0, hostname: "127.0.0.1" });
const url = `http://127.0.0.1:${hub.hub.app.server!.port}/v1/chat/completions`;

async function timed(model: string): Promise<number> {
  const started = performance.now();
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${hub.key}` }, body: JSON.stringify({ model, messages: [{ role: "user", content: "bench" }] }) });
  await r.arrayBuffer();
  if (r.status !== 200 || r.headers.get("x-aihub-attempts") !== (model === "failover" ? "2" : "1")) throw new Error(`${model}: unexpected ${r.status} from ${r.headers.get("x-aihub-upstream")} after ${r.headers.get("x-aihub-attempts")} attempts`);
  return performance.now() - started;
}

const p = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))]!;

try {
  for (let i = 0; i < 100; i++) await timed(i % 2 ? "direct" : "failover");
  const direct: number[] = [], failover: number[] = [];
  // Interleaved, so both see the same machine load.
  for (let i = 0; i < CALLS; i++) {
    direct.push(await timed("direct"));
    failover.push(await timed("failover"));
  }
  const added = p(failover, 0.5) - p(direct, 0.5);
  console.log(`failover (first deployment refused, second answers) vs straight to a healthy one, ${CALLS} calls each:`);
  console.log(`  direct   p50 ${p(direct, 0.5).toFixed(2)} ms  p99 ${p(direct, 0.99).toFixed(2)} ms`);
  console.log(`  failover p50 ${p(failover, 0.5).toFixed(2)} ms  p99 ${p(failover, 0.99).toFixed(2)} ms`);
  console.log(`  added latency at p50: ${added.toFixed(2)} ms (target ≤ 2 ms) ${added <= 2 ? "OK" : "OVER"}`);
} finally {
  await hub.hub.app.stop();
  await hub.close();
  await upstream.stop();
}
