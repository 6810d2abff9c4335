// Writes the hub's OpenAPI document to the file named by the first argument (scripts/test.sh lints it with Redocly).
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { createLogger } from "../src/log.ts";
import type { AppDeps } from "../src/runtime.ts";

const out = process.argv[2];
if (!out) throw new Error("usage: bun scripts/openapi.ts OUT.json");
const config = loadConfig({ JWT_SECRET: "openapi-document-only-".padEnd(48, "x"), LOG_LEVEL: "error" });
// Building the routes reads only the config; the one request below never reaches the database, limits or keys.
const deps = { config, log: createLogger("error"), database: {}, limits: {}, keys: {}, redisPing: null, onUserChanged() {}, onKeyRevoked() {}, clientAddress: () => "" } as unknown as AppDeps;
const response = await createApp(deps).handle(new Request("http://localhost/openapi.json"));
if (response.status !== 200) throw new Error(`GET /openapi.json answered ${response.status}`);
await Bun.write(out, await response.text());
