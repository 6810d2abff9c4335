# Sourced by the image scripts: podman as Debian 12 ships it needs the runc runtime (its default crun
# is missing or too old here) and no default ulimits (raising nofile fails inside this kind of VM).
# A containers.conf of our own is used unless CONTAINERS_CONF already names one.
if [ -z "${CONTAINERS_CONF:-}" ]; then
  CONTAINERS_CONF="${TMPDIR:-/tmp}/aihub-containers.conf"
  printf '[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = "runc"\n' >"$CONTAINERS_CONF"
  export CONTAINERS_CONF
fi
