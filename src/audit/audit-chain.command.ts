import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { verifyEventStoreChain } from '../event-store/sqlite/verify-event-store-chain.js';

/**
 * `audit chain [--data-dir D]`: the full check of the embedded store's hash chain, with progress
 * on stderr; exit 0 when every event verifies, 1 with the first bad position otherwise.
 */
export function auditChain(args: readonly string[], defaultDataDir: string): number {
  const { values } = parseArgs({ args: [...args], options: { 'data-dir': { type: 'string' } }, strict: true });
  const file = join(resolve(values['data-dir'] ?? defaultDataDir), 'events.db');
  process.stderr.write(`checking the hash chain of ${file}\n`);
  const result = verifyEventStoreChain(file, ({ verifiedEvents, totalEvents }) => {
    const percent = totalEvents === 0 ? 100 : Math.floor((verifiedEvents / totalEvents) * 100);
    process.stderr.write(`  ${verifiedEvents} / ${totalEvents} events (${percent}%)\n`);
  });
  if (result.ok) {
    process.stdout.write(`${JSON.stringify({ ok: true, events: result.events, headChainHash: result.headChainHash })}\n`);
    return 0;
  }
  process.stdout.write(
    `${JSON.stringify({ ok: false, position: result.position, reason: result.reason, detail: result.detail, verifiedEvents: result.events })}\n`,
  );
  process.stderr.write(`CHAIN BROKEN at position ${result.position} (${result.reason}): ${result.detail}\n`);
  return 1;
}
