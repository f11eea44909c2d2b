# weunion as a container: built, packed and installed with the same commands test/package/packed-tarball.test.ts runs
# (npm run build, npm pack, npm install <tarball> --omit=dev --no-audit --no-fund), then run with plain node as a
# non-root user under NODE_ENV=production. Not built on the project's machines (they cannot run containers): the
# test above is what checks these commands.
#   docker build -t weunion .
#   docker run -e WEUNION_AT_REST_KEY=… -e WEUNION_SIGNING_JWK=… -v $PWD/weunion.config.json:/etc/weunion/weunion.config.json:ro -p 3000:3000 weunion

# 1. build and pack (dev dependencies: TypeScript)
FROM node:20-bookworm AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && mkdir /pkg && npm pack --ignore-scripts --pack-destination /pkg

# 2. install the tarball as a user would (better-sqlite3 compiles here: this image has python3, make, g++)
FROM node:20-bookworm AS install
WORKDIR /app
COPY --from=build /pkg/ /pkg/
RUN echo '{"name":"weunion-app","private":true,"type":"module"}' > package.json \
 && npm install /pkg/weunion-*.tgz --omit=dev --no-audit --no-fund

# 3. run: plain node on the built output, no npm or tsx between the signal and the server
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    WEUNION_CONFIG=/etc/weunion/weunion.config.json
RUN groupadd --system weunion && useradd --system --gid weunion --home-dir /app weunion \
 && mkdir -p /etc/weunion /var/lib/weunion && chown weunion:weunion /var/lib/weunion && chmod 700 /var/lib/weunion
COPY --from=install --chown=root:root /app /app
WORKDIR /app
USER weunion
EXPOSE 3000
# /readyz: the database, the shared cache and the schema answer (server.port must be 3000 in the config).
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "node_modules/weunion/bin/weunion.js", "start"]
