#!/usr/bin/env bash
# Builds the base image aihub-base:bookworm (Debian 12 minbase, no registry needed) with debootstrap from the
# Debian mirror this machine's apt already uses, trims it like debian:bookworm-slim and imports it into podman.
# Skips all of it when the image exists (FORCE=1 rebuilds). Needs root, debootstrap and podman; takes ~1–2 min.
#
#   bash scripts/image/build_base.sh            # then: podman build --build-arg BASE_IMAGE=aihub-base:bookworm .
#
# DEBIAN_MIRROR overrides the mirror; BASE_TAG the image name.
set -euo pipefail
source "$(dirname "$0")/podman_env.sh"
tag="${BASE_TAG:-aihub-base:bookworm}"

if [ "${FORCE:-0}" != 1 ] && podman image exists "$tag"; then
  echo "base image $tag exists (FORCE=1 rebuilds it)"
  exit 0
fi
[ "$(id -u)" = 0 ] || { echo "build_base.sh: debootstrap needs root" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "build_base.sh: install debootstrap (apt-get install debootstrap)" >&2; exit 1; }

# The first mirror apt uses for bookworm itself (not -security), from one-line or deb822 sources.
mirror="${DEBIAN_MIRROR:-}"
if [ -z "$mirror" ]; then
  mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk -v RS= '
    /(^|\n)Suites:[^\n]*[ \t]bookworm([ \t]|\n|$)/ && !/(^|\n)Types:[^\n]*deb-src/ {
      if (match($0, /(^|\n)URIs:[ \t]*[^ \t\n]+/)) { u = substr($0, RSTART, RLENGTH); sub(/.*URIs:[ \t]*/, "", u); print u; exit }
    }')
fi
if [ -z "$mirror" ]; then
  mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
    | sed -E 's/\[[^]]*\]//' | awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }')
fi
[ -n "$mirror" ] || { echo "build_base.sh: no bookworm mirror found in /etc/apt/sources.list*; set DEBIAN_MIRROR" >&2; exit 1; }

root=$(mktemp -d "${TMPDIR:-/var/tmp}/aihub-base.XXXXXX")
trap 'rm -rf "$root"' EXIT
echo "debootstrap --variant=minbase bookworm (from the mirror apt uses) into $root"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 || { tail -20 "$root.log" >&2; rm -f "$root.log"; exit 1; }
rm -f "$root.log"

# Trim as the slim images do: no docs, man pages or locales now or in later installs, no apt lists or caches.
cat >"$root/etc/dpkg/dpkg.cfg.d/slim" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
CFG
cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'CFG'
APT::Install-Recommends "false";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };
CFG
find "$root/usr/share/doc" -mindepth 1 ! -name copyright ! -type d -delete 2>/dev/null || true
find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
rm -rf "$root"/usr/share/{man,info,locale,lintian}/* "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* \
  "$root"/var/log/* "$root"/tmp/* "$root"/var/cache/debconf/*-old "$root"/var/lib/dpkg/*-old

tar --numeric-owner -C "$root" -c . | podman import --change 'CMD ["bash"]' - "$tag" >/dev/null
echo "imported $tag: $(podman image inspect --format '{{.Size}}' "$tag" | awk '{ printf "%.0f MB", $1 / 1e6 }')"
