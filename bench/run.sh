#!/usr/bin/env bash
# Runs every benchmark in bench/ and prints their figures.
set -euo pipefail
cd "$(dirname "$0")/.."
export BUN_CONFIG_MAX_HTTP_REQUESTS=8192
# An external load generator, so the load is not generated on the servers' JS threads (Debian/Ubuntu).
if ! command -v wrk >/dev/null; then
  (apt-get install -y wrk || sudo apt-get install -y wrk) >/dev/null 2>&1 || echo "wrk not installed: falling back to the in-process load generator" >&2
fi
# BENCH_ONLY=gateway,relay,router,journal,console,failover,metrics,peers picks benchmarks (all by default).
only="${BENCH_ONLY:-gateway,relay,router,journal,console,failover,metrics,peers}"
# The peers benchmark's reverse proxy (Debian's nginx-light, or nginx).
if [[ ",$only," == *,peers,* ]] && ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  (apt-get install -y nginx-light || apt-get install -y nginx || sudo apt-get install -y nginx-light) >/dev/null 2>&1 || echo "nginx not installed: the peers benchmark skips it" >&2
fi
# Three hubs behind HAProxy in the peers benchmark (Debian's haproxy; redis-server is there for the tests already).
if [[ ",$only," == *,peers,* ]] && ! command -v haproxy >/dev/null && [ ! -x /usr/sbin/haproxy ]; then
  (apt-get install -y haproxy || sudo apt-get install -y haproxy) >/dev/null 2>&1 || echo "haproxy not installed: the peers benchmark cannot run three hubs behind it" >&2
fi
for bench in gateway relay router journal console failover metrics peers; do
  [[ ",$only," == *,$bench,* ]] || continue
  node_modules/.bin/bun "bench/${bench}_bench.ts"
  echo
done
