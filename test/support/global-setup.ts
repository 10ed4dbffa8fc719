import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** e2e and fault suites run the built service: build it when any source is newer than dist. */
export default function globalSetup(): void {
  const root = join(import.meta.dirname, '..', '..');
  const main = join(root, 'dist', 'src', 'main.js');
  const builtAt = existsSync(main) ? statSync(main).mtimeMs : 0;
  if (newestSource([join(root, 'src'), join(root, 'projections')]) <= builtAt) return;
  process.stderr.write('\n[global-setup] building dist/ for the e2e and fault suites...\n');
  execFileSync(process.execPath, [join(root, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build'], { cwd: root, stdio: 'inherit' });
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
