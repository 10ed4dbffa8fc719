// Builds the public dashboard into dist/web: each page's HTML from the shared layout, the
// stylesheet, and one ES module bundle (esbuild, code-split per page, Chart.js included: no CDN).
// Run after `nest build` (which empties dist/).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src', 'web');
const out = join(root, 'dist', 'web');
mkdirSync(join(out, 'assets'), { recursive: true });

// Pages: src/web/pages/<name>.html holds <title> text on its first line, the <main> after it.
const layout = readFileSync(join(source, 'layout.html'), 'utf8');
const NAV = [
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
  const nav = NAV.map(([name, label]) => {
    const href = name === 'index' ? '/' : `/${name}.html`;
    return `<li><a href="${href}"${name === page ? ' aria-current="page"' : ''}>${label}</a></li>`;
  }).join('\n          ');
  const html = layout.replaceAll('{{title}}', title.trim()).replaceAll('{{page}}', page).replace('{{nav}}', nav).replace('{{main}}', body.join('\n'));
  writeFileSync(join(out, file), html);
}
copyFileSync(join(source, 'app.css'), join(out, 'assets', 'app.css'));

const entryPoints = [{ in: join(source, 'app.ts'), out: 'app' }];
const result = await build({
  entryPoints,
  outdir: join(out, 'assets'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2020'],
  minify: true,
  sourcemap: true,
  chunkNames: 'chunks/[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
});
const bytes = Object.entries(result.metafile.outputs)
  .filter(([name]) => name.endsWith('.js'))
  .reduce((sum, [, output]) => sum + output.bytes, 0);
process.stdout.write(`dashboard built in dist/web (${Math.round(bytes / 1024)} KiB of JavaScript in all chunks)\n`);
