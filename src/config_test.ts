// loadConfig() validates the environment once and explains what is wrong.
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { claimModelNames, ConfigError, loadConfig, redisTarget } from "./config.ts";

const dir = () => mkdtempSync(join(tmpdir(), "aihub-config-"));

describe("loadConfig()", () => {
  test("defaults to port 3000, PGlite under the data directory, and the offline demo model", () => {
    const dataDir = dir();
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeNull();
    expect(config.redisUrl).toBeNull();
    expect(config.models.map((m) => m.id)).toEqual(["demo"]);
    expect(config.upstreams).toEqual([]);
    expect(config.registrationsPerHourPerAddress).toBe(10);
    expect(config.publicOrigin).toBeNull();
    expect(loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: "https://Hub.example.com/console/" }).publicOrigin).toBe("https://hub.example.com");
    expect(Object.isFrozen(config)).toBe(true);
  });

  test("embedded mode generates a JWT secret once and keeps it in the data directory", () => {
    const dataDir = dir();
    const first = loadConfig({ DATA_DIR: dataDir });
    expect(existsSync(join(dataDir, "jwt-secret"))).toBe(true);
    expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig({ DATA_DIR: dataDir }).jwtSecret).toBe(first.jwtSecret);
    expect(readFileSync(join(dataDir, "jwt-secret"), "utf8")).toBe(first.jwtSecret);
  });

  test("SECURE_COOKIES is off by default, on with on or true", () => {
    expect(loadConfig({ DATA_DIR: dir() }).secureCookies).toBe(false);
    expect(loadConfig({ DATA_DIR: dir(), SECURE_COOKIES: "true" }).secureCookies).toBe(true);
    expect(loadConfig({ DATA_DIR: dir(), SECURE_COOKIES: "on" }).secureCookies).toBe(true);
    expect(loadConfig({ DATA_DIR: dir(), SECURE_COOKIES: "false" }).secureCookies).toBe(false);
  });

  test("WORKERS is 1 by default, N or one per core (auto) on PostgreSQL + Redis", () => {
    const shared = { DATABASE_URL: "postgres://localhost/db", REDIS_URL: "redis://localhost", JWT_SECRET: "x".repeat(40) };
    expect(loadConfig({ DATA_DIR: dir() }).workers).toBe(1);
    expect(loadConfig({ ...shared, WORKERS: "3" }).workers).toBe(3);
    expect(loadConfig({ ...shared, WORKERS: "auto" }).workers).toBe(navigator.hardwareConcurrency);
  });

  test("DATABASE_POOLER is none by default or transaction; USAGE_RETENTION_DAYS is 400 by default, 0 keeps records forever", () => {
    const postgres = { DATABASE_URL: "postgres://localhost:6432/db", JWT_SECRET: "x".repeat(40) };
    expect(loadConfig(postgres)).toMatchObject({ databasePooler: "none", usageRetentionDays: 400 });
    expect(loadConfig({ ...postgres, DATABASE_POOLER: "transaction", USAGE_RETENTION_DAYS: "0" })).toMatchObject({ databasePooler: "transaction", usageRetentionDays: 0 });
  });

  test("REDIS_CLUSTER_NODES names a cluster's nodes instead of REDIS_URL, and lets WORKERS run several processes", () => {
    const config = loadConfig({ DATABASE_URL: "postgres://localhost/db", JWT_SECRET: "x".repeat(40), REDIS_CLUSTER_NODES: " redis-1:7000, 10.0.0.2:7001,[::1]:7002 ", WORKERS: "2" });
    expect(config.redisClusterNodes).toEqual(["redis-1:7000", "10.0.0.2:7001", "[::1]:7002"]);
    expect(config.redisUrl).toBeNull();
    expect(config.workers).toBe(2);
    expect(redisTarget(config)).toEqual({ clusterNodes: ["redis-1:7000", "10.0.0.2:7001", "[::1]:7002"] });
    expect(redisTarget(loadConfig({ DATA_DIR: dir(), REDIS_URL: "redis://localhost:6379" }))).toEqual({ url: "redis://localhost:6379" });
    expect(redisTarget(loadConfig({ DATA_DIR: dir() }))).toBeNull();
  });

  test("DATABASE_URL without JWT_SECRET is a clear start-up error", () => {
    expect(() => loadConfig({ DATABASE_URL: "postgres://localhost/db" })).toThrow("JWT_SECRET is required when DATABASE_URL is set");
  });

  const bad: Array<[Record<string, string>, string]> = [
    [{ PORT: "70000" }, "PORT must be an integer from 0 to 65535"],
    [{ PORT: "abc" }, "PORT must be an integer"],
    [{ DATABASE_URL: "mysql://x/y", JWT_SECRET: "x".repeat(40) }, "DATABASE_URL must start with postgres: or postgresql:"],
    [{ DATABASE_URL: "not a url", JWT_SECRET: "x".repeat(40) }, "DATABASE_URL is not a valid URL"],
    [{ REDIS_URL: "http://localhost" }, "REDIS_URL must start with redis:"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL must be one of"],
    [{ JWT_SECRET: "short" }, "JWT_SECRET must be at least 32 characters"],
    [{ UPSTREAM_BASE_URL: "http://127.0.0.1:9" }, "UPSTREAM_MODELS must list the models"],
    [{ DEFAULT_MODEL: "gpt-9" }, "DEFAULT_MODEL \"gpt-9\" is not in the model catalog"],
    [{ REGISTRATIONS_PER_HOUR_PER_ADDRESS: "0" }, "REGISTRATIONS_PER_HOUR_PER_ADDRESS must be an integer from 1 to 1000000"],
    [{ REGISTRATIONS_PER_HOUR_PER_ADDRESS: "ten" }, "REGISTRATIONS_PER_HOUR_PER_ADDRESS must be an integer"],
    [{ PUBLIC_URL: "ftp://hub.example.com" }, "PUBLIC_URL must start with http: or https:"],
    [{ WORKERS: "2" }, "WORKERS=2 needs DATABASE_URL and REDIS_URL (or REDIS_CLUSTER_NODES): the embedded database (PGlite) belongs to one process"],
    [{ REDIS_URL: "redis://localhost", REDIS_CLUSTER_NODES: "10.0.0.1:6379" }, "Set REDIS_URL (one Redis) or REDIS_CLUSTER_NODES (a Redis Cluster), not both"],
    [{ REDIS_CLUSTER_NODES: "redis://10.0.0.1:6379" }, "REDIS_CLUSTER_NODES must be host:port pairs separated by commas (e.g. redis-1:6379,redis-2:6379), got \"redis://10.0.0.1:6379\""],
    [{ REDIS_CLUSTER_NODES: "10.0.0.1:6379,10.0.0.2" }, "REDIS_CLUSTER_NODES must be host:port pairs"],
    [{ WORKERS: "auto", DATABASE_URL: "postgres://localhost/db", JWT_SECRET: "x".repeat(40) }, "needs DATABASE_URL and REDIS_URL"],
    [{ WORKERS: "0" }, "WORKERS must be an integer from 1 to 256"],
    [{ DATABASE_POOLER: "session", DATABASE_URL: "postgres://localhost/db", JWT_SECRET: "x".repeat(40) }, 'DATABASE_POOLER must be "transaction" (PgBouncer in transaction mode) or "none"'],
    [{ DATABASE_POOLER: "transaction" }, "DATABASE_POOLER=transaction needs DATABASE_URL"],
    [{ USAGE_RETENTION_DAYS: "-1" }, "USAGE_RETENTION_DAYS must be an integer from 0"],
    // A misspelt switch must not leave cookies silently without Secure.
    [{ SECURE_COOKIES: "yes" }, 'SECURE_COOKIES must be on or off, got "yes"'],
  ];
  for (const [env, message] of bad) {
    test(`rejects ${JSON.stringify(env)} with "${message}"`, () => {
      expect(() => loadConfig({ DATA_DIR: dir(), ...env })).toThrow(ConfigError);
      expect(() => loadConfig({ DATA_DIR: dir(), ...env })).toThrow(message);
    });
  }

  test("OpenRouter is configured by its API key, with the models listed", () => {
    const config = loadConfig({ DATA_DIR: dir(), OPENROUTER_API_KEY: "sk-or-test", OPENROUTER_MODELS: "openai/gpt-4o-mini,meta-llama/llama-3.1-8b-instruct:free", UPSTREAM_INPUT_PRICE: "0.15", UPSTREAM_OUTPUT_PRICE: "0.6" });
    expect(config.upstreams[0]).toMatchObject({ name: "openrouter", baseUrl: "https://openrouter.ai/api/v1", apiKey: "sk-or-test" });
    expect(config.models.map((m) => m.id)).toEqual(["openai/gpt-4o-mini", "meta-llama/llama-3.1-8b-instruct:free"]);
    expect(config.defaultModel).toBe("openai/gpt-4o-mini");
  });

  test("UPSTREAMS_FILE configures several upstreams with per-model prices", () => {
    const d = dir();
    const file = join(d, "upstreams.json");
    writeFileSync(file, JSON.stringify({
      upstreams: [{ name: "openrouter", base_url: "https://openrouter.ai/api/v1", api_key: "sk-or" }, { name: "local", base_url: "http://127.0.0.1:8000/v1/", timeout_ms: 5000 }],
      models: [
        { id: "gpt-4o-mini", upstream: "openrouter", upstream_model: "openai/gpt-4o-mini", input_price: 0.15, output_price: 0.6 },
        { id: "llama-local", name: "Llama (local)", upstream: "local" },
      ],
      default_model: "llama-local",
    }));
    const config = loadConfig({ DATA_DIR: d, UPSTREAMS_FILE: file });
    expect(config.upstreams.map((u) => [u.name, u.baseUrl, u.timeoutMs])).toEqual([["openrouter", "https://openrouter.ai/api/v1", 120000], ["local", "http://127.0.0.1:8000/v1", 5000]]);
    expect(config.models).toEqual([
      { id: "gpt-4o-mini", name: "gpt-4o-mini", upstream: "openrouter", upstreamModel: "openai/gpt-4o-mini", inputPrice: 0.15, outputPrice: 0.6, free: false },
      { id: "llama-local", name: "Llama (local)", upstream: "local", upstreamModel: "llama-local", inputPrice: 0, outputPrice: 0, free: true },
    ]);
    expect(config.defaultModel).toBe("llama-local");
  });

  test("UPSTREAMS_FILE errors say what is wrong", () => {
    const d = dir();
    const bad = join(d, "bad.json");
    writeFileSync(bad, "{not json");
    expect(() => loadConfig({ DATA_DIR: d, UPSTREAMS_FILE: bad })).toThrow("could not be read as JSON");
    const orphan = join(d, "orphan.json");
    writeFileSync(orphan, JSON.stringify({ upstreams: [], models: [{ id: "m", upstream: "nowhere" }] }));
    expect(() => loadConfig({ DATA_DIR: d, UPSTREAMS_FILE: orphan })).toThrow('model "m" names unknown upstream "nowhere"');
  });

  test("UPSTREAMS_FILE takes deployments, aliases, key pools, retry and cooldown as the contract writes them", () => {
    const d = dir();
    const file = join(d, "routing.json");
    writeFileSync(file, JSON.stringify({
      upstreams: [{ name: "a", base_url: "http://127.0.0.1:1/v1", api_keys: ["k1", "k2"] }, { name: "b", base_url: "http://127.0.0.1:2/v1", api_key: "kb" }],
      models: [{ id: "gpt-4o-mini", aliases: ["mini"], input_price: 0.15, output_price: 0.6, deployments: [
        { upstream: "a", upstream_model: "openai/gpt-4o-mini", priority: 1, weight: 3 },
        { upstream: "b", upstream_model: "gpt-4o-mini", priority: 2 },
      ] }],
      retry: { attempts: 3, budget_ms: 10000 },
      cooldown: { failures: 3, seconds: 30 },
    }));
    const config = loadConfig({ DATA_DIR: d, UPSTREAMS_FILE: file });
    expect(config.upstreams.map((u) => [u.name, u.apiKey, u.apiKeys])).toEqual([["a", "k1", ["k1", "k2"]], ["b", "kb", undefined]]);
    expect(config.models[0]).toMatchObject({ id: "gpt-4o-mini", aliases: ["mini"], upstream: "a", upstreamModel: "openai/gpt-4o-mini", deployments: [
      { upstream: "a", upstreamModel: "openai/gpt-4o-mini", priority: 1, weight: 3 },
      { upstream: "b", upstreamModel: "gpt-4o-mini", priority: 2, weight: 1 },
    ] });
    expect(config.routing).toEqual({ retry: { attempts: 3, budgetMs: 10000 }, cooldown: { failures: 3, seconds: 30 } });
  });

  test("routing errors in UPSTREAMS_FILE say what is wrong", () => {
    const d = dir();
    const write = (name: string, body: unknown) => (writeFileSync(join(d, name), JSON.stringify(body)), join(d, name));
    const up = [{ name: "a", base_url: "http://127.0.0.1:1/v1" }];
    expect(() => loadConfig({ DATA_DIR: d, UPSTREAMS_FILE: write("1.json", { upstreams: up, models: [{ id: "m", deployments: [{ upstream: "zz" }] }] }) })).toThrow('model "m" names unknown upstream "zz"');
    expect(() => loadConfig({ DATA_DIR: d, UPSTREAMS_FILE: write("2.json", { upstreams: up, models: [{ id: "m", deployments: [{ upstream: "a", weight: 0 }] }] }) })).toThrow("deployments[0].weight must be an integer from 1");
    expect(() => loadConfig({ DATA_DIR: d, UPSTREAMS_FILE: write("3.json", { upstreams: up, models: [{ id: "m", upstream: "a" }, { id: "n", upstream: "a", aliases: ["m"] }] }) })).toThrow('"m" is used twice');
    expect(() => loadConfig({ DATA_DIR: d, UPSTREAMS_FILE: write("4.json", { upstreams: up, models: [], retry: { attempts: 0 } }) })).toThrow("retry.attempts must be an integer from 1 to 20");
    expect(() => loadConfig({ DATA_DIR: d, UPSTREAMS_FILE: write("5.json", { upstreams: [{ name: "a", base_url: "http://x/v1", api_keys: "k" }] }) })).toThrow('"api_keys" that is not a list');
  });

  test("an OpenAI-compatible upstream is configured from its base URL, key and models", () => {
    const config = loadConfig({ DATA_DIR: dir(), UPSTREAM_BASE_URL: "http://127.0.0.1:9999/v1/", UPSTREAM_API_KEY: "sk-x", UPSTREAM_MODELS: "a, b", UPSTREAM_INPUT_PRICE: "0.15", UPSTREAM_OUTPUT_PRICE: "0.6" });
    expect(config.upstreams).toEqual([{ name: "upstream", baseUrl: "http://127.0.0.1:9999/v1", apiKey: "sk-x", headers: {}, timeoutMs: 120000 }]);
    expect(config.models.map((m) => [m.id, m.inputPrice, m.outputPrice])).toEqual([["a", 0.15, 0.6], ["b", 0.15, 0.6]]);
  });
});

describe("claimModelNames()", () => {
  test("claims a model's id and aliases, and names the first already taken: by another model, or by the model itself", () => {
    const taken = new Map<string, string>();
    expect(claimModelNames({ id: "fm", aliases: ["fmini"] }, taken)).toBeNull();
    expect(Object.fromEntries(taken)).toEqual({ fm: "fm", fmini: "fm" });
    expect(claimModelNames({ id: "m12", aliases: ["ok", "fmini"] }, new Map(taken))).toEqual({ name: "fmini", field: "aliases", owner: "fm" });
    expect(claimModelNames({ id: "fmini" }, new Map(taken))).toEqual({ name: "fmini", field: "id", owner: "fm" });
    expect(claimModelNames({ id: "a", aliases: ["a6", "a6"] }, new Map())).toEqual({ name: "a6", field: "aliases", owner: "a" });
    expect(claimModelNames({ id: "a", aliases: ["a"] }, new Map())).toEqual({ name: "a", field: "aliases", owner: "a" });
  });

  test("UPSTREAMS_FILE refuses an alias listed twice or equal to its model's id", () => {
    const d = dir();
    const write = (name: string, body: unknown) => (writeFileSync(join(d, name), JSON.stringify(body)), join(d, name));
    const up = [{ name: "a", base_url: "http://127.0.0.1:1/v1" }];
    expect(() => loadConfig({ DATA_DIR: d, UPSTREAMS_FILE: write("1.json", { upstreams: up, models: [{ id: "m", upstream: "a", aliases: ["x", "x"] }] }) })).toThrow('"x" is used twice');
    expect(() => loadConfig({ DATA_DIR: d, UPSTREAMS_FILE: write("2.json", { upstreams: up, models: [{ id: "m", upstream: "a", aliases: ["m"] }] }) })).toThrow("every name must pick one model");
  });
});

describe("loadConfig() TRUST_PROXY", () => {
  test("accepts true, a hop count or proxy CIDRs, and explains anything else", () => {
    expect(loadConfig({ DATA_DIR: dir() }).trustProxy).toEqual({ kind: "none" });
    expect(loadConfig({ DATA_DIR: dir(), TRUST_PROXY: "true" }).trustProxy).toEqual({ kind: "hops", hops: 1 });
    expect(loadConfig({ DATA_DIR: dir(), TRUST_PROXY: "2" }).trustProxy).toEqual({ kind: "hops", hops: 2 });
    expect(loadConfig({ DATA_DIR: dir(), TRUST_PROXY: "10.0.0.0/8" }).trustProxy.kind).toBe("ranges");
    expect(() => loadConfig({ DATA_DIR: dir(), TRUST_PROXY: "on" })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: dir(), TRUST_PROXY: "on" })).toThrow(/^TRUST_PROXY must be true, false, a number of proxy hops/);
  });
});
