// startLine(): one plain line that says where to open the hub and what answers.
import { expect, test } from "bun:test";
import { startLine } from "./start_line.ts";

const embedded = { databaseUrl: null, dataDir: "./data", redisUrl: null, upstreams: [], models: [] };

test("startLine() on the embedded default says where to open it and that the demo model answers", () => {
  expect(startLine(embedded, "http://localhost:3000")).toBe("AI Hub is running at http://localhost:3000 · storage: PGlite in ./data · limits: in-process · models: demo (no upstream is configured: the offline demo model answers)");
});

test("startLine() on PostgreSQL + Redis names the upstreams and the worker", () => {
  const upstream = { name: "openrouter", baseUrl: "https://example.invalid", apiKey: "sk", headers: {}, timeoutMs: 1 };
  const line = startLine({ ...embedded, databaseUrl: "postgres://db/hub", redisUrl: "redis://r", upstreams: [upstream], models: [{}, {}] as never }, "http://localhost:8080", "2/4");
  expect(line).toBe("AI Hub is running at http://localhost:8080 · storage: PostgreSQL · limits: Redis · models: 2 from openrouter · worker 2/4");
});

test("startLine() on a Redis Cluster says so", () => {
  expect(startLine({ ...embedded, databaseUrl: "postgres://db/hub", redisClusterNodes: ["r1:7000", "r2:7000"] }, "http://localhost:8080")).toContain("· limits: Redis Cluster ·");
});
