# keyflow worker image: runs the Temporal worker (workers/main.ts) with tsx.
FROM node:20-slim

WORKDIR /app
RUN chown node:node /app
# better-sqlite3 (the read model's SQLite) builds from source when no prebuilt binary is reachable.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*

# Dependencies first, so that a code change does not reinstall them.
# Dev dependencies are kept (npm ci before NODE_ENV=production): the worker runs TypeScript through tsx.
COPY --chown=node:node package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY --chown=node:node . .

ENV NODE_ENV=production
USER node
CMD ["npx", "tsx", "workers/main.ts"]
