# The Stepstone service on its embedded SQLite store.
FROM node:20-bookworm-slim
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# npm ci's postinstall runs this script; without the console's sources it only says so.
COPY scripts/build-console.mjs scripts/
RUN npm ci --no-audit --no-fund
COPY . .
# npm ci ran before the sources were copied: build the web console now.
RUN node scripts/build-console.mjs
ENV HOST=0.0.0.0 PORT=8083 STEPSTONE_DATA=/data
VOLUME /data
EXPOSE 8083
CMD ["node", "--import", "tsx", "apps/server/src/main.ts"]
