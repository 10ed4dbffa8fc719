import type { RecordedEvent } from '../../event-store/event-store.port.js';
import { publicViewOf } from '../event-commitment.js';

/** One line of a full (auditor's) export: the event as stored, with its commitment when the store keeps one. */
export interface FullExportLine {
  readonly position: string;
  readonly streamId: string;
  readonly revision: string;
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly recordedAt: string;
  readonly commitment?: { readonly saltHex: string; readonly privateDigest: string };
}

/**
 * One line of a public export. Internal-only events (NIB claims, a type or schema version the
 * public rules do not know) keep their line with `publicView: null`: the positions stay
 * contiguous, so a reader sees that an event exists and when, and the lines match the
 * transparency log's leaves one to one, which also carry a null public view for them.
 */
export interface PublicExportLine {
  readonly position: string;
  readonly id: string;
  readonly type: string;
  readonly recordedAt: string;
  readonly publicView: Record<string, unknown> | null;
}

export type ExportView = 'full' | 'public';

/** Positions and revisions are strings: EventStoreDB's commit positions outgrow a JSON number. */
export function fullLineOf(event: RecordedEvent): FullExportLine {
  return {
    position: event.position.toString(),
    streamId: event.streamId,
    revision: event.revision.toString(),
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.created.toISOString(),
    ...(event.commitment ? { commitment: { saltHex: event.commitment.saltHex, privateDigest: event.commitment.privateDigest } } : {}),
  };
}

export function publicLineOf(event: RecordedEvent): PublicExportLine {
  return {
    position: event.position.toString(),
    id: event.id,
    type: event.type,
    recordedAt: event.created.toISOString(),
    publicView: publicViewOf(event),
  };
}

/** The NDJSON line (with its newline) of an event in the given view. */
export function ndjsonLineOf(event: RecordedEvent, view: ExportView): string {
  return `${JSON.stringify(view === 'full' ? fullLineOf(event) : publicLineOf(event))}\n`;
}

/** Which view a (parseable) export line is in: a full line has the stream id, a public one the public view. */
export function viewOfLine(line: string): ExportView {
  const parsed = JSON.parse(line) as Record<string, unknown>;
  return 'publicView' in parsed && !('streamId' in parsed) ? 'public' : 'full';
}

/** The position of an NDJSON export line, or undefined when the line is not one (a torn write). */
export function positionOfLine(line: string): bigint | undefined {
  try {
    const parsed = JSON.parse(line) as { position?: unknown };
    return typeof parsed.position === 'string' && /^\d{1,19}$/.test(parsed.position) ? BigInt(parsed.position) : undefined;
  } catch {
    return undefined;
  }
}
