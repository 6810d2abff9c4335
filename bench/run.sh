#!/usr/bin/env bash
# Runs every benchmark in bench/ and prints their figures.
set -euo pipefail
cd "$(dirname "$0")/.."
export BUN_CONFIG_MAX_HTTP_REQUESTS=8192
# An external load generator, so the load is not generated on the servers' JS threads (Debian/Ubuntu).
if ! command -v wrk >/dev/null; then
  (apt-get install -y wrk || sudo apt-get install -y wrk) >/dev/null 2>&1 || echo "wrk not installed: falling back to the in-process load generator" >&2
fi
node_modules/.bin/bun bench/gateway_bench.ts
echo
node_modules/.bin/bun bench/console_bench.ts
node_modules/.bin/bun bench/failover_bench.ts
node_modules/.bin/bun bench/metrics_bench.ts
