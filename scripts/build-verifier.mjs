// Bundles the standalone verifier (src/verifier) for browsers as one ES module, default
// dist/web/verifier.js; `node scripts/build-verifier.mjs <outfile>` writes elsewhere (tests).
import { build } from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = resolve(process.argv[2] ?? join(root, 'dist', 'web', 'verifier.js'));

await build({
  entryPoints: [join(root, 'src', 'verifier', 'index.ts')],
  outfile,
  bundle: true,
  format: 'esm',
  // Browsers: no Node builtins may be pulled in (the dependency-cruiser rule keeps it so).
  platform: 'browser',
  target: ['es2022'],
  sourcemap: true,
  legalComments: 'eof',
  logLevel: 'warning',
});
process.stdout.write(`verifier bundle: ${outfile}\n`);
