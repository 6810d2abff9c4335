#!/usr/bin/env bash
# Runs every benchmark in bench/ and prints their figures.
set -euo pipefail
cd "$(dirname "$0")/.."
export BUN_CONFIG_MAX_HTTP_REQUESTS=8192
node_modules/.bin/bun bench/gateway_bench.ts
echo
node_modules/.bin/bun bench/console_bench.ts
node_modules/.bin/bun bench/failover_bench.ts
