import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * e2e, fault and browser suites run the built service: build it when any source is newer than
 * dist (nest build empties dist/, so the dashboard is built after it, as `npm run build` does).
 */
export default function globalSetup(): void {
  const root = join(import.meta.dirname, '..', '..');
  const main = join(root, 'dist', 'src', 'main.js');
  const web = join(root, 'dist', 'web', 'index.html');
  const builtAt = existsSync(main) ? statSync(main).mtimeMs : 0;
  const webBuiltAt = existsSync(web) ? statSync(web).mtimeMs : 0;
  const newest = newestSource([join(root, 'src'), join(root, 'projections')]);
  if (newest > builtAt) {
    process.stderr.write('\n[global-setup] building dist/ for the e2e, fault and browser suites...\n');
    execFileSync(process.execPath, [join(root, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build'], { cwd: root, stdio: 'inherit' });
  }
  if (newest > webBuiltAt || newest > builtAt) {
    execFileSync(process.execPath, [join(root, 'scripts', 'build-web.mjs')], { cwd: root, stdio: 'inherit' });
  }
}

function newestSource(dirs: string[]): number {
  let newest = 0;
  const stack = dirs.filter((dir) => existsSync(dir));
  while (stack.length > 0) {
    const dir = stack.pop()!;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) stack.push(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}
