/**
 * Child process for the durability test: appends events one at a time and reports each
 * acknowledged append on stdout, until its parent kills it with SIGKILL.
 */
import { SqliteEventStore } from '../../../src/event-store/sqlite/sqlite-event-store.js';
import { anEvent } from '../../support/events.js';

const APPENDS_MAX = 100_000;

async function main(): Promise<void> {
  const [filePath, streamId] = process.argv.slice(2);
  if (!filePath || !streamId) throw new Error('usage: append-until-killed <file> <stream>');
  const store = SqliteEventStore.open(filePath);
  for (let n = 0; n < APPENDS_MAX; n += 1) {
    const event = anEvent('Acknowledged', { n });
    await store.appendToStream(streamId, [event], { expectedRevision: n === 0 ? 'no_stream' : BigInt(n - 1) });
    process.stdout.write(`ack ${event.id}\n`);
  }
}

main().catch((error) => {
  process.stderr.write(String(error));
  process.exit(1);
});
