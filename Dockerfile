# One container: the hub on embedded PGlite by default (data in the /data volume), or on PostgreSQL + Redis given
# DATABASE_URL / REDIS_URL. Bun is the only runtime in the image; Node.js and npm are used only to install.
#
#   docker build -t aihub .                                           # with a registry: Debian from it
#   bash scripts/image/build_base.sh && podman build --format docker \
#     --build-arg BASE_IMAGE=aihub-base:bookworm -t aihub .           # without one: a debootstrapped base
#
# BASE_IMAGE must be Debian 12 (bookworm) or compatible: both stages install from its apt sources.
ARG BASE_IMAGE=debian:bookworm-slim

# Stage 1: production dependencies and the Bun binary, installed with Debian's Node.js and npm.
FROM ${BASE_IMAGE} AS deps
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/patch_dependencies.mjs ./scripts/
# Another npm registry (a mirror) and a CA bundle to trust for it (a path inside the build, e.g. mounted with
# podman build --volume), for this build only; empty means npm's defaults. Neither ends up in the image.
ARG NPM_REGISTRY=
ARG NPM_CAFILE=
ARG BUN_VERSION=1.4.5
# No dependency of the hub needs an install script (the one that has one only reports analytics). Our own
# postinstall, a fix to postgres.js (scripts/patch_dependencies.mjs), is run here by name: --ignore-scripts skips it.
RUN if [ -n "$NPM_CAFILE" ]; then export NODE_EXTRA_CA_CERTS="$NPM_CAFILE"; fi \
 && npm ci --omit=dev --ignore-scripts --no-audit --no-fund ${NPM_REGISTRY:+--registry=$NPM_REGISTRY} ${NPM_CAFILE:+--cafile=$NPM_CAFILE} \
 && node scripts/patch_dependencies.mjs \
 && npm install --prefix /opt/bun --no-audit --no-fund ${NPM_REGISTRY:+--registry=$NPM_REGISTRY} ${NPM_CAFILE:+--cafile=$NPM_CAFILE} "bun@${BUN_VERSION}" \
 && /opt/bun/node_modules/bun/bin/bun.exe --version
# Editor-only packages that runtime dependencies pull in (@elysiajs/html → the TypeScript plugin and TypeScript),
# type declarations and source maps: nothing Bun loads when serving (about 60 MB).
RUN rm -rf node_modules/typescript node_modules/@kitajs/ts-html-plugin node_modules/bun-types node_modules/@types \
 && find node_modules -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \) -delete

# Stage 2: the base image, Bun, the app and its node_modules; no Node.js, no npm, no compiler.
FROM ${BASE_IMAGE}
COPY --from=deps /opt/bun/node_modules/bun/bin/bun.exe /usr/local/bin/bun
RUN groupadd --system --gid 10001 aihub \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin aihub \
 && mkdir /data && chown aihub:aihub /data && chmod 0700 /data
WORKDIR /app
# The code stays root's and read-only to the hub; it writes only under /data.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY migrations ./migrations
COPY static ./static
COPY views ./views
COPY src ./src
# The console renders the developer docs (and their runnable examples) from here.
COPY docs/developer ./docs/developer
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/data \
    BUN_CONFIG_MAX_HTTP_REQUESTS=4096
USER 10001:10001
VOLUME /data
EXPOSE 3000
# Bun itself checks /health: the image has no curl and no Node.js. (podman keeps HEALTHCHECK with --format docker.)
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["bun", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3000}/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# On SIGTERM the hub fails /ready, drains for SHUTDOWN_DRAIN_MS (2 s), lets responses finish, flushes usage, exits 0.
STOPSIGNAL SIGTERM
CMD ["bun", "run", "src/main.ts"]
