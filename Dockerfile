# The Stepstone service on its embedded SQLite store.
FROM node:22-bookworm-slim
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# npm ci's postinstall runs these scripts; without the sources they only say so.
COPY scripts/build-console.mjs scripts/build-runtime.mjs scripts/
RUN npm ci --no-audit --no-fund
COPY . .
# npm ci ran before the sources were copied: build the web console and the runtime bundle now.
RUN node scripts/build-console.mjs && node scripts/build-runtime.mjs
# Listening beyond loopback needs authentication: SigV4 with the keys of docker/keys.json (the
# README's "Authentication"; mount your own file over it, never ship the example secrets).
ENV HOST=0.0.0.0 PORT=8083 STEPSTONE_DATA=/data STEPSTONE_AUTH=sigv4 STEPSTONE_KEYS_FILE=/app/docker/keys.json
VOLUME /data
EXPOSE 8083 8084
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s CMD ["node", "-e", "fetch('http://127.0.0.1:8083/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "bin/stepstone.mjs", "serve"]
