# atrium on the current Node LTS. better-sqlite3 is compiled in the build stage,
# so the image never depends on a prebuilt binary download.
FROM node:26-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bin ./bin
COPY scripts ./scripts
RUN npm ci --build-from-source \
 && npm prune --omit=dev

FROM node:26-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The stock OHIF viewer `npm ci` fetched (scripts/fetch-viewer.mjs), served at /.
COPY --from=build /app/viewer ./viewer
COPY package.json ./
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
# Listening beyond loopback, atrium demands API keys (serve --auth auto):
# docker exec <container> node dist/bin/atrium.js key add --tenant default --role admin --data /data
CMD ["node", "dist/bin/atrium.js", "serve", "--host", "0.0.0.0", "--port", "8080", "--data", "/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
