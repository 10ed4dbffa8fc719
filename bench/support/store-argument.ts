import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { rawScan } from '../store-phases.js';

/**
 * The `--data-dir` a bench over an existing store is given: the directory, its store opened for
 * reading as an auditor would, and the raw scan of its events.db (the baseline, measured first).
 */
export function storeArgument(): { dataDir: string; store: SqliteEventStore; raw: ReturnType<typeof rawScan> } {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' } }, strict: true });
  const dataDir = values['data-dir'];
  if (!dataDir || !existsSync(join(dataDir, 'events.db'))) throw new Error('--data-dir must name a data dir with an events.db');
  const raw = rawScan(dataDir);
  return { dataDir, store: SqliteEventStore.openForAudit(join(dataDir, 'events.db')), raw };
}
