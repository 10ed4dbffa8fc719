import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, readSync } from 'node:fs';
import { ExportView, positionOfLine, viewOfLine } from './export-line.js';

/** Bytes read from the end of an export file to find its last line: a line is one event, far below this. */
export const EXPORT_TAIL_SCAN_BYTES_MAX = 64 * 1024 * 1024;
const TAIL_CHUNK_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

export interface ExportFileTail {
  /** The position of the last complete line, or undefined for an empty file. */
  readonly lastPosition?: bigint;
  /** Bytes dropped from the end: a line cut short by an interrupted export. */
  readonly truncatedBytes: number;
}

/**
 * Prepares an existing export file for appending: a last line cut short (no newline: the
 * export was interrupted mid-write) is truncated away, and the last complete line tells where
 * to resume. So a resumed export adds neither a duplicate nor a gap.
 */
export function prepareExportFileForResume(path: string, view: ExportView): ExportFileTail {
  if (!existsSync(path)) return { truncatedBytes: 0 };
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    const tail = readTail(fd, size);
    const lastNewline = tail.bytes.lastIndexOf(NEWLINE);
    const keep = lastNewline < 0 ? 0 : tail.start + lastNewline + 1;
    if (keep < size) ftruncateSync(fd, keep);
    if (keep === 0) return { truncatedBytes: size };
    const previousNewline = tail.bytes.lastIndexOf(NEWLINE, lastNewline - 1);
    const line = tail.bytes.subarray(previousNewline + 1, lastNewline).toString('utf8');
    const lastPosition = positionOfLine(line);
    if (lastPosition === undefined) throw new Error(`${path} does not end with an export line: not resuming into it`);
    const isPublic = viewOfLine(line) === 'public';
    if (isPublic !== (view === 'public')) throw new Error(`${path} holds a ${isPublic ? 'public' : 'full'} export: resume it with the same view`);
    return { lastPosition, truncatedBytes: size - keep };
  } finally {
    closeSync(fd);
  }
}

/** The end of the file, back far enough to hold its last two newlines (or the whole file). */
function readTail(fd: number, size: number): { bytes: Buffer; start: number } {
  let start = size;
  let bytes = Buffer.alloc(0);
  while (start > 0 && size - start < EXPORT_TAIL_SCAN_BYTES_MAX) {
    const length = Math.min(TAIL_CHUNK_BYTES, start);
    start -= length;
    const chunk = Buffer.alloc(length);
    readSync(fd, chunk, 0, length, start);
    bytes = Buffer.concat([chunk, bytes]);
    if (countNewlines(bytes) >= 2) return { bytes, start };
  }
  if (start > 0) throw new Error(`the last line of the export file is longer than ${EXPORT_TAIL_SCAN_BYTES_MAX} bytes`);
  return { bytes, start };
}

function countNewlines(bytes: Buffer): number {
  const last = bytes.lastIndexOf(NEWLINE);
  return last < 0 ? 0 : bytes.lastIndexOf(NEWLINE, last - 1) < 0 ? 1 : 2;
}
