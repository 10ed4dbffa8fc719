// Builds what browsers load into dist/web, after `nest build` (which empties dist/):
// - the public dashboard: each page's HTML from the shared layout, the stylesheet, and one ES
//   module bundle (code-split per page, Chart.js included: no CDN) under dist/web/assets;
// - the standalone verifier of the transparency log (src/verifier) as one ES module,
//   dist/web/verifier.js, which the Verifikasi page loads and anyone can download.
// `node scripts/build-web.mjs --verifier-only <outfile>` bundles only the verifier, to outfile.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src', 'web');
const out = join(root, 'dist', 'web');

async function buildVerifier(outfile) {
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
}

async function buildDashboard() {
  mkdirSync(join(out, 'assets'), { recursive: true });
  // Pages: src/web/pages/<name>.html holds the <title> text on its first line, the <main> after it.
  const layout = readFileSync(join(source, 'layout.html'), 'utf8');
  const nav = [
    ['index', 'Ringkasan'],
    ['transaksi', 'Transaksi'],
    ['penyedia', 'Penyedia'],
    ['katalog', 'Katalog'],
    ['tanda-bahaya', 'Tanda bahaya'],
    ['verifikasi', 'Verifikasi transaksi'],
  ];
  for (const file of readdirSync(join(source, 'pages')).filter((name) => name.endsWith('.html'))) {
    const page = file.replace(/\.html$/, '');
    const [title, ...body] = readFileSync(join(source, 'pages', file), 'utf8').split('\n');
    const links = nav
      .map(([name, label]) => `<li><a href="${name === 'index' ? '/' : `/${name}.html`}"${name === page ? ' aria-current="page"' : ''}>${label}</a></li>`)
      .join('\n          ');
    const html = layout.replaceAll('{{title}}', title.trim()).replaceAll('{{page}}', page).replace('{{nav}}', links).replace('{{main}}', body.join('\n'));
    writeFileSync(join(out, file), html);
  }
  for (const asset of ['app.css', 'favicon.svg']) copyFileSync(join(source, asset), join(out, 'assets', asset));
  const result = await build({
    entryPoints: [{ in: join(source, 'app.ts'), out: 'app' }],
    outdir: join(out, 'assets'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2020'],
    minify: true,
    sourcemap: true,
    chunkNames: 'chunks/[name]-[hash]',
    // The Verifikasi page imports the published verifier bundle itself, not a copy of its code.
    external: ['/verifier.js'],
    metafile: true,
    logLevel: 'warning',
  });
  const bytes = Object.entries(result.metafile.outputs)
    .filter(([name]) => name.endsWith('.js'))
    .reduce((sum, [, output]) => sum + output.bytes, 0);
  process.stdout.write(`dashboard built in dist/web (${Math.round(bytes / 1024)} KiB of JavaScript in all chunks)\n`);
}

const verifierOnly = process.argv.indexOf('--verifier-only');
if (verifierOnly >= 0) {
  const outfile = process.argv[verifierOnly + 1];
  if (!outfile) throw new Error('usage: node scripts/build-web.mjs [--verifier-only <outfile>]');
  await buildVerifier(resolve(outfile));
} else {
  await buildDashboard();
  await buildVerifier(join(out, 'verifier.js'));
}
