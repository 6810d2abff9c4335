#!/usr/bin/env bash
# The whole test suite: installs what is missing, checks types, XSS, import cycles and the OpenAPI document, runs bun test with coverage
# on PGlite, PostgreSQL and Redis, and ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export BUN_CONFIG_MAX_HTTP_REQUESTS=4096

{ [ -x node_modules/.bin/bun ] && [ -x node_modules/.bin/redocly ]; } || npm install --no-audit --no-fund

# PostgreSQL and Redis at their default ports; start them where this machine has them but they are down.
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  command -v pg_ctlcluster >/dev/null && pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi
if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  command -v redis-server >/dev/null && redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
fi

# Browser tests drive Debian's Chromium and Firefox ESR, never a downloaded browser (the rolling-restart test Debian's HAProxy, the pooler
# test Debian's PgBouncer, the Redis Cluster tests private clusters of Debian's redis-server); a CJK font too, so the zh-CN screenshots
# show text rather than boxes.
if { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/firefox-esr ] || [ ! -x /usr/sbin/haproxy ] || [ ! -x /usr/sbin/pgbouncer ] || [ ! -x /usr/bin/redis-server ] || [ ! -x /usr/bin/redis-cli ] || ! fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk"; } && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium firefox-esr fonts-wqy-zenhei haproxy pgbouncer redis-server redis-tools >/dev/null) || echo "warning: could not install the browsers, HAProxy, PgBouncer or redis-server; their tests will fail"
fi

log=$(mktemp)
failed_checks=0
echo "== type check (tsc)"
if ! node_modules/.bin/tsc -p . ; then failed_checks=$((failed_checks + 1)); echo "type check failed"; fi
# Every run (a glob guard here once skipped it silently: views/ has no .tsx at its top level).
echo "== xss-scan (unescaped interpolations in views)"
if ! node_modules/.bin/xss-scan -p tsconfig.json; then failed_checks=$((failed_checks + 1)); echo "xss-scan failed"; fi

echo "== import cycles (madge)"
if ! node_modules/.bin/madge --circular --extensions ts,tsx src views; then failed_checks=$((failed_checks + 1)); echo "import cycles found"; fi

echo "== OpenAPI document (redocly lint, recommended rules)"
openapi=$(mktemp --suffix=.json)
if ! { node_modules/.bin/bun scripts/openapi.ts "$openapi" \
  && REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true node_modules/.bin/redocly lint --extends recommended --format summary "$openapi"; }; then
  failed_checks=$((failed_checks + 1)); echo "OpenAPI lint failed"
fi
rm -f "$openapi"

echo "== bun test"
# Per-test timeout on the command line: bunfig.toml's [test] timeout was seen not to apply, and a browser test on a busy
# machine can take longer than bun's default 5 s (after which bun kills the file's Chromium and the rest of it fails).
node_modules/.bin/bun test --coverage --timeout 60000 "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
pass=$(grep -Eo '^ *[0-9]+ pass' "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
fail=$(grep -Eo '^ *[0-9]+ fail' "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
fail=$((fail + failed_checks))
if [ "$status" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; echo "bun test exited $status"; fi
rm -f "$log"

# The container image, built and run with podman (scripts/image/test.sh): off by default, as it takes about 1 minute
# with podman's layer cache and 4–6 from nothing (debootstrap ~1 min, the build stage's apt and npm installs ~2–3).
# IMAGE_TEST=1 runs it; IMAGE_COMPOSE_TEST=1 adds compose.yaml's hub + PostgreSQL + Redis (1–3 minutes more).
if [ "${IMAGE_TEST:-0}" = 1 ]; then
  echo "== container image (podman)"
  if ! bash scripts/image/test.sh; then fail=$((fail + 1)); echo "image test failed"; fi
fi
echo "${pass} passed, ${fail} failed"
[ "$fail" -eq 0 ]
