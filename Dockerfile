# syntax=docker/dockerfile:1
# market-bridge image: build with dev dependencies, run with production ones only, as the unprivileged `node` user.
#   docker compose up -d --build       (settings in .env, database in the `data` volume at /data)
# Stages: `tools` has what better-sqlite3 needs to compile when no prebuilt binary fits; neither the compilers
# nor the dev dependencies reach the final image.

FROM node:24-slim AS tools
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./

FROM tools AS build
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
RUN npm run build

FROM tools AS prod-deps
RUN npm ci --omit=dev

FROM node:24-slim
ENV NODE_ENV=production \
    DATABASE_PATH=/data/bridge.sqlite \
    HEALTH_PORT=8081
WORKDIR /app
COPY package.json package-lock.json ./
COPY migrations ./migrations
COPY locales ./locales
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
VOLUME /data
USER node
EXPOSE 8081
# The bridge stops on SIGTERM: no new updates, requests in flight finish (give it 45 s: stop_grace_period).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["node", "dist/healthcheck.js"]
CMD ["node", "--max-old-space-size=80", "--max-semi-space-size=1", "dist/main.js"]
