// The sample Grafana dashboard (docs/grafana/ai-hub.json) queries only metrics the hub exposes.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { createHubMetrics } from "./hub_metrics.ts";

type Dashboard = { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };

test("every metric the sample dashboard queries is one the hub exposes", async () => {
  const dashboard = JSON.parse(readFileSync(new URL("../../docs/grafana/ai-hub.json", import.meta.url), "utf8")) as Dashboard;
  const metrics = createHubMetrics({ upstreams: ["u"] });
  metrics.httpRequest("/health", "GET", 200, 0.001);
  const exposed = new Set((await metrics.registry.metrics()).split("\n").filter((l) => l && !l.startsWith("#")).map((l) => l.split(/[{ ]/)[0]));
  const queried = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/aihub_[a-z_]+/g) ?? []));
  expect(queried.length).toBeGreaterThanOrEqual(10);
  for (const name of queried) expect(exposed.has(name), name).toBe(true);
  const titles = dashboard.panels.map((p) => p.title.toLowerCase()).join(" | ");
  for (const topic of ["request rate", "error rate", "p99", "limit decisions", "upstream tries", "ttfb", "not yet in the database", "active streams", "flusher lag"]) expect(titles).toContain(topic);
});
