import { parseArgs } from 'node:util';
import { loadConfig } from '../config/app-config.js';
import { backupDataDir } from './backup.js';
import { restoreDataDir } from './restore.js';

export const OPS_USAGE = `  npm run cli -- backup --out <dir> [--data-dir <dir>]
        Online backup while the service runs: a consistent copy of every SQLite file of the data
        dir (events.db last), the log signing key (mode 0600) and manifest.json (sizes, SHA-256,
        the event store's head position, the transparency log's latest checkpoint).
  npm run cli -- restore --from <dir> --data-dir <empty dir>
        Verifies every file against the manifest, restores into a new or empty data dir (never
        over an existing one), opens the restored event store and prints its head position.`;

/** --data-dir, else DATA_DIR: the config (and so the signing key's place) of that data dir. */
function configFor(dataDir: string | undefined) {
  return loadConfig(dataDir === undefined ? process.env : { ...process.env, DATA_DIR: dataDir });
}

export async function backupCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' }, 'data-dir': { type: 'string' } }, strict: true });
  if (!values.out) throw new RangeError('usage: backup --out <dir> [--data-dir <dir>]');
  const config = configFor(values['data-dir']);
  const manifest = await backupDataDir({ dataDir: config.dataDir, outDir: values.out, signingKeyFile: config.logSigningKeyFile, now: new Date() });
  process.stdout.write(
    `${JSON.stringify({
      out: values.out,
      files: manifest.files.map((file) => ({ name: file.name, bytes: file.bytes })),
      eventStoreHeadPosition: manifest.eventStoreHeadPosition,
      ...(manifest.transparencyLog ? { transparencyLogTreeSize: manifest.transparencyLog.treeSize } : {}),
    })}\n`,
  );
  return 0;
}

export async function restoreCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { from: { type: 'string' }, 'data-dir': { type: 'string' } }, strict: true });
  if (!values.from || !values['data-dir']) throw new RangeError('usage: restore --from <dir> --data-dir <empty dir>');
  process.stdout.write(`${JSON.stringify(await restoreDataDir(values.from, values['data-dir']))}\n`);
  return 0;
}
