import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { EventStore } from '../../event-store/event-store.port.js';
import { ExportView, ndjsonLineOf } from '../export/export-line.js';
import type { ExportRange } from '../export/export-range.js';
import { readRange } from '../export/read-range.js';

export const NDJSON_CONTENT_TYPE = 'application/x-ndjson';
/** Header: the head of $all when the answer started; a client has everything when it has reached it. */
export const HEAD_POSITION_HEADER = 'X-Head-Position';
/** Lines joined into one write: fewer, larger chunks, and the stream still waits on a slow client. */
const LINES_PER_CHUNK = 100;

async function* chunks(store: EventStore, range: ExportRange, view: ExportView, limit: number): AsyncGenerator<string> {
  let chunk = '';
  let lines = 0;
  for await (const event of readRange(store, range, { limit })) {
    chunk += ndjsonLineOf(event, view);
    lines += 1;
    if (lines === LINES_PER_CHUNK) {
      yield chunk;
      chunk = '';
      lines = 0;
    }
  }
  if (chunk) yield chunk;
}

/**
 * Streams the range as NDJSON. The store is read a page at a time as the client takes the
 * bytes (a Readable piped to the socket), so a slow client holds one page, not the log.
 */
export async function sendNdjson(reply: FastifyReply, store: EventStore, range: ExportRange, view: ExportView, limit: number): Promise<FastifyReply> {
  const head = await store.headPosition();
  return reply
    .header('Content-Type', `${NDJSON_CONTENT_TYPE}; charset=utf-8`)
    .header(HEAD_POSITION_HEADER, head.toString())
    .header('Cache-Control', 'no-store')
    .send(Readable.from(chunks(store, range, view, limit)));
}
