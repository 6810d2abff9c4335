#!/usr/bin/env bash
# compose.yaml with Debian's podman-compose, no registry (~30 s with the images cached, 1–3 min building them; run by
# IMAGE_COMPOSE_TEST=1 bash scripts/image/test.sh): builds PostgreSQL 15 and Redis 7 from Debian's packages on the
# debootstrapped base, starts hub + PostgreSQL + Redis with the hub published on 127.0.0.1 only, runs the newcomer
# journey, restarts the hub (data kept), and removes the containers, network and volumes.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/image/podman_env.sh
source scripts/image/journey.sh
base="${BASE_IMAGE:-aihub-base:bookworm}"
command -v podman-compose >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman-compose >/dev/null; }
podman image exists "${HUB_IMAGE:-aihub:latest}" || fail "build the hub image first (bash scripts/image/test.sh)"

for service in postgres redis; do
  podman build --quiet --format docker --network host --build-arg BASE_IMAGE="$base" \
    -f "scripts/image/$service.Containerfile" -t "aihub-$service:compose" . >/dev/null
done
echo "built aihub-postgres:compose and aihub-redis:compose from Debian's packages"

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
base_url="http://127.0.0.1:$port"
project="aihub-compose-test-$$"
export HUB_IMAGE="${HUB_IMAGE:-aihub:latest}" POSTGRES_IMAGE=aihub-postgres:compose REDIS_IMAGE=aihub-redis:compose \
  HUB_PORT="127.0.0.1:$port" JWT_SECRET="compose-test-secret-$(date +%s%N)-0123456789"
compose() { podman-compose -p "$project" -f compose.yaml "$@" >"$log" 2>&1 || { cat "$log" >&2; fail "podman-compose $*"; }; }
# podman-compose 1.0's down leaves the project's network behind.
log=$(mktemp)
cleanup() {
  rm -f "$log"
  podman-compose -p "$project" -f compose.yaml down -v -t 5 >/dev/null 2>&1 || true
  podman network rm "${project}_default" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# podman-compose 1.0 does not wait for service_healthy: start the stores, wait for PostgreSQL, then the hub.
compose up -d postgres redis
# Over TCP: during its first start the image runs a socket-only server for a moment to create the database.
for _ in $(seq 1 120); do podman exec "${project}_postgres_1" pg_isready -q -h 127.0.0.1 -U aihub 2>/dev/null && break; sleep 0.5; done
podman exec "${project}_postgres_1" pg_isready -q -h 127.0.0.1 -U aihub || { podman logs "${project}_postgres_1" >&2; fail "PostgreSQL did not become ready"; }

wait_hub() {
  local t0; t0=$(now_ms)
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "$base_url/ready")" = 200 ]; do
    [ $(( $(now_ms) - t0 )) -lt 60000 ] || { podman logs "${project}_hub_1" >&2; fail "the hub was not ready within 60 s"; }
    sleep 0.1
  done
  echo "hub ready after $(( $(now_ms) - t0 )) ms"
}
compose up -d hub
wait_hub
logs=$(podman logs "${project}_hub_1" 2>&1)
grep "^AI Hub is running at " <<<"$logs" | grep -q "storage: PostgreSQL · limits: Redis" \
  || { echo "$logs" >&2; fail "the hub did not start on PostgreSQL and Redis"; }
echo "compose: hub on PostgreSQL + Redis, published on 127.0.0.1:$port"
journey_first_call
podman restart -t 10 "${project}_hub_1" 2>&1 >/dev/null | grep -v "unable to get systemd connection" >&2 || true
wait_hub
journey_data_kept
echo "compose test passed"
