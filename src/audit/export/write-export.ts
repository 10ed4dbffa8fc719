import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { EventStore } from '../../event-store/event-store.port.js';
import { ExportView, ndjsonLineOf } from './export-line.js';
import type { ExportRange } from './export-range.js';
import { readRange } from './read-range.js';

/**
 * Writes the range as NDJSON to `out`, waiting whenever `out` is full: memory holds one page
 * of the store, not the export. Returns the number of lines written.
 */
export async function writeExport(
  store: EventStore,
  range: ExportRange,
  view: ExportView,
  out: Writable,
  onEvent?: (position: bigint) => void,
): Promise<number> {
  let written = 0;
  for await (const event of readRange(store, range)) {
    if (!out.write(ndjsonLineOf(event, view))) await once(out, 'drain');
    written += 1;
    onEvent?.(event.position);
  }
  return written;
}
