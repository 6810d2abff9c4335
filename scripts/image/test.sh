#!/usr/bin/env bash
# The container image end to end with podman, no container registry needed (~1 min with podman's layer cache, 4–6
# from nothing): builds the debootstrapped base and the image, starts the hub on the embedded default
# with /data on a temp dir, runs the newcomer journey from the host (register → API key → a chat call with the demo
# model → usage shows it → restart → data kept), checks it runs as uid 10001, that HEALTHCHECK passes and that
# SIGTERM stops it with exit 0 within seconds, prints image size and cold-start times, and removes its container.
# Traffic goes to 127.0.0.1 only. IMAGE_COMPOSE_TEST=1 also runs compose.yaml (hub + PostgreSQL + Redis).
#
#   bash scripts/image/test.sh          # or: IMAGE_TEST=1 npm test
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/image/podman_env.sh
image="${IMAGE:-aihub:latest}"
base="${BASE_IMAGE:-aihub-base:bookworm}"

if ! command -v podman >/dev/null || ! command -v debootstrap >/dev/null || ! command -v runc >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap >/dev/null
fi

source scripts/image/journey.sh

# --- build -------------------------------------------------------------------------------------------------------
BASE_TAG="$base" bash scripts/image/build_base.sh
started=$(now_ms)
# --network host: the build reaches Debian's packages and the npm registry as this machine does, with the registry
# and CA bundle npm uses here (a TLS-inspecting proxy's CA, say), mounted for the build only.
cafile=$(npm config get cafile 2>/dev/null || true)
[ -f "$cafile" ] || cafile="${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}"
podman build --quiet --format docker --network host --build-arg BASE_IMAGE="$base" \
  --build-arg NPM_REGISTRY="$(npm config get registry 2>/dev/null || true)" \
  --volume "$cafile:/run/build-ca.pem:ro" --build-arg NPM_CAFILE=/run/build-ca.pem -t "$image" . >/dev/null
echo "built $image in $(( ($(now_ms) - started) / 1000 )) s"
size=$(podman image inspect --format '{{.Size}}' "$image")
base_size=$(podman image inspect --format '{{.Size}}' "$base")
echo "image size: $((size / 1000000)) MB (base $((base_size / 1000000)) MB)"

# --- run -------------------------------------------------------------------------------------------------------------
data=$(mktemp -d "${TMPDIR:-/tmp}/aihub-image-data.XXXXXX")
chown 10001:10001 "$data"
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
name="aihub-image-test-$$"
base_url="http://127.0.0.1:$port"
cleanup() {
  podman rm -f -t 0 "$name" >/dev/null 2>&1 || true
  rm -rf "$data"
}
trap cleanup EXIT

# Host networking, listening on 127.0.0.1 only: no bridge, no NAT, nothing reachable from outside.
podman create --name "$name" --network host -e HOST=127.0.0.1 -e PORT="$port" -v "$data:/data" "$image" >/dev/null

# start_hub LABEL: starts the container, waits for /health 200 and the start line, prints both times.
start_hub() {
  local t0 health_ms="" line_ms="" lines_before
  lines_before=$(podman logs "$name" 2>/dev/null | grep -c "^AI Hub is running at " || true)
  t0=$(now_ms)
  # Without systemd podman cannot schedule the periodic HEALTHCHECK (it says so); `podman healthcheck run` still works.
  podman start "$name" 2>&1 >/dev/null | grep -v "unable to get systemd connection" >&2 || true
  while [ -z "$health_ms" ] || [ -z "$line_ms" ]; do
    [ $(( $(now_ms) - t0 )) -lt 120000 ] || { podman logs "$name" >&2; fail "$1: no /health 200 and start line within 120 s"; }
    [ "$(podman inspect --format '{{.State.Running}}' "$name")" = true ] || { podman logs "$name" >&2; fail "$1: the container exited"; }
    if [ -z "$health_ms" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "$base_url/health")" = 200 ]; then health_ms=$(( $(now_ms) - t0 )); fi
    if [ -z "$line_ms" ] && [ "$(podman logs "$name" 2>/dev/null | grep -c "^AI Hub is running at ")" -gt "$lines_before" ]; then line_ms=$(( $(now_ms) - t0 )); fi
    sleep 0.05
  done
  echo "cold start ($1): /health 200 after ${health_ms} ms, start line after ${line_ms} ms"
}

# stop_hub: SIGTERM (the image's STOPSIGNAL), expects exit 0 within 10 s.
stop_hub() {
  local t0 code
  t0=$(now_ms)
  podman kill --signal TERM "$name" >/dev/null
  code=$(timeout 15 podman wait "$name") || fail "the hub did not exit within 15 s of SIGTERM"
  local ms=$(( $(now_ms) - t0 ))
  [ "$code" = 0 ] || { podman logs "$name" >&2; fail "the hub exited $code on SIGTERM"; }
  [ "$ms" -lt 10000 ] || fail "the hub took ${ms} ms to exit on SIGTERM"
  echo "SIGTERM: exit 0 after ${ms} ms (SHUTDOWN_DRAIN_MS is 2000 by default)"
}

start_hub "first start, empty volume"
logs=$(podman logs "$name" 2>/dev/null)
grep -m1 "^AI Hub is running at " <<<"$logs"

uid=$(podman exec "$name" sh -c 'awk "/^Uid:/ { print \$2 }" /proc/1/status')
[ "$uid" = 10001 ] || fail "the hub runs as uid $uid, not 10001"
[ "$(stat -c %u "$data/pglite")" = 10001 ] || fail "the data directory is not written by uid 10001"
podman exec "$name" sh -c '! command -v node && ! command -v npm' >/dev/null || fail "Node.js or npm is in the image"
podman healthcheck run "$name" >/dev/null || fail "HEALTHCHECK failed on a running hub"
echo "runs as uid $uid, writes /data on the volume, HEALTHCHECK passes, no Node.js in the image"

journey_first_call

stop_hub
start_hub "restart, existing data"
journey_data_kept
stop_hub

if [ "${IMAGE_COMPOSE_TEST:-0}" = 1 ]; then
  bash scripts/image/compose_test.sh
fi
echo "image test passed"
