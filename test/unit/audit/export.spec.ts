import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareExportFileForResume } from '../../../src/audit/export/export-file.js';
import { fullLineOf, ndjsonLineOf, positionOfLine, publicLineOf } from '../../../src/audit/export/export-line.js';
import { parseExportRange, resumedAfter, verdictOf } from '../../../src/audit/export/export-range.js';
import type { RecordedEvent } from '../../../src/event-store/event-store.port.js';
import { DomainError } from '../../../src/kernel/errors.js';
import { FORBIDDEN_PUBLIC_STRINGS, sampleData, sampleIds, sampleMetadata, sampleStreamId } from '../../support/ledger-event-samples.js';
import type { KnownEventType } from '../../../src/kafka/public-contract.js';

const SALT = 'ab'.repeat(32);

function recorded(position: number, createdIso: string, overrides: Partial<RecordedEvent> = {}): RecordedEvent {
  return {
    id: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    type: 'SomethingHappened',
    streamId: 'test-1',
    revision: BigInt(position - 1),
    position: BigInt(position),
    data: { n: position },
    metadata: sampleMetadata(),
    created: new Date(createdIso),
    ...overrides,
  };
}

function errorOf(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('audit export: the range (unit)', () => {
  it('defaults to everything from position 0', () => {
    expect(parseExportRange({})).toEqual({ fromPosition: 0n });
  });

  it('reads positions and instants with their zone', () => {
    expect(parseExportRange({ fromPosition: '10', toPosition: '20', from: '2025-03-01T00:00:00+07:00', to: '2025-03-02T00:00:00Z' })).toEqual({
      fromPosition: 10n,
      toPosition: 20n,
      from: new Date('2025-02-28T17:00:00Z'),
      to: new Date('2025-03-02T00:00:00Z'),
    });
  });

  it.each([
    [{ fromPosition: '-1' }, 'fromPosition'],
    [{ toPosition: '1.5' }, 'toPosition'],
    [{ from: 'yesterday' }, 'from'],
    [{ from: '2025-02-30T00:00:00Z' }, 'from'],
    [{ to: '2025-03-01' }, 'to'],
    [{ to: '2025-03-01T10:00:00' }, 'to'],
    [{ fromPosition: '9', toPosition: '3' }, 'toPosition'],
    [{ from: '2025-03-02T00:00:00Z', to: '2025-03-01T00:00:00Z' }, 'to'],
  ])('refuses %j naming %s (400 INVALID_EXPORT_RANGE)', (raw, field) => {
    const error = errorOf(() => parseExportRange(raw));
    expect(error).toMatchObject({ kind: 'validation', code: 'INVALID_EXPORT_RANGE' });
    expect((error.details.errors as { field: string }[]).map((entry) => entry.field)).toContain(field);
  });

  it('skips before the range, takes within, stops at the first event past it', () => {
    const range = parseExportRange({ fromPosition: '2', toPosition: '4', from: '2025-01-01T00:00:02Z', to: '2025-01-01T00:00:09Z' });
    expect(verdictOf(range, recorded(1, '2025-01-01T00:00:05Z'))).toBe('skip');
    expect(verdictOf(range, recorded(2, '2025-01-01T00:00:01Z'))).toBe('skip');
    expect(verdictOf(range, recorded(3, '2025-01-01T00:00:02Z'))).toBe('take');
    expect(verdictOf(range, recorded(4, '2025-01-01T00:00:09Z'))).toBe('take');
    expect(verdictOf(range, recorded(4, '2025-01-01T00:00:10Z'))).toBe('stop');
    expect(verdictOf(range, recorded(5, '2025-01-01T00:00:03Z'))).toBe('stop');
  });

  it('resumes after the last position written, never before the range', () => {
    const range = parseExportRange({ fromPosition: '100' });
    expect(resumedAfter(range, 150n).fromPosition).toBe(151n);
    expect(resumedAfter(range, 20n).fromPosition).toBe(100n);
  });
});

describe('audit export: the lines (unit)', () => {
  it('a full line is the event as stored, with its commitment when the store keeps one', () => {
    const event = recorded(7, '2025-01-01T00:00:00Z', { commitment: { saltHex: SALT, privateDigest: 'cd'.repeat(32) } });
    const line = JSON.parse(ndjsonLineOf(event, 'full'));
    expect(line).toEqual({
      position: '7',
      streamId: 'test-1',
      revision: '6',
      id: event.id,
      type: 'SomethingHappened',
      data: { n: 7 },
      metadata: JSON.parse(JSON.stringify(event.metadata)),
      recordedAt: '2025-01-01T00:00:00.000Z',
      commitment: { saltHex: SALT, privateDigest: 'cd'.repeat(32) },
    });
    expect(fullLineOf(recorded(8, '2025-01-01T00:00:00Z'))).not.toHaveProperty('commitment');
    expect(ndjsonLineOf(event, 'full').endsWith('}\n')).toBe(true);
    expect(positionOfLine(ndjsonLineOf(event, 'full').trimEnd())).toBe(7n);
    expect(positionOfLine('{"position":"7","id":')).toBeUndefined();
  });

  it('a public line of every event type holds no personal data, no actor and no salt', () => {
    const ids = sampleIds();
    const data = sampleData(ids);
    (Object.keys(data) as KnownEventType[]).forEach((type, index) => {
      const event = recorded(index + 1, '2025-01-01T00:00:00Z', {
        type,
        streamId: sampleStreamId(type, ids),
        data: data[type],
        commitment: { saltHex: SALT, privateDigest: 'cd'.repeat(32) },
      });
      const text = ndjsonLineOf(event, 'public');
      for (const forbidden of [...FORBIDDEN_PUBLIC_STRINGS, SALT, 'metadata', 'actor'])
        expect({ type, contains: text.includes(forbidden) ? forbidden : null }).toEqual({ type, contains: null });
      expect(Object.keys(JSON.parse(text))).toEqual(['position', 'id', 'type', 'recordedAt', 'publicView']);
    });
  });

  it('an internal-only event keeps its line, with a null public view', () => {
    const event = recorded(3, '2025-01-01T00:00:00Z', {
      type: 'NibReserved',
      streamId: 'nib-9100000000001',
      data: { nib: '9100000000001', vendorId: sampleIds().vendorId },
    });
    expect(publicLineOf(event)).toEqual({ position: '3', id: event.id, type: 'NibReserved', recordedAt: '2025-01-01T00:00:00.000Z', publicView: null });
  });
});

describe('audit export: resuming a file (unit)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bela-export-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const lines = (from: number, to: number, view: 'full' | 'public' = 'full'): string =>
    Array.from({ length: to - from + 1 }, (_, n) => ndjsonLineOf(recorded(from + n, '2025-01-01T00:00:00Z'), view)).join('');

  it('a missing or empty file starts from the range', () => {
    expect(prepareExportFileForResume(join(dir, 'none.ndjson'), 'full')).toEqual({ truncatedBytes: 0 });
    writeFileSync(join(dir, 'empty.ndjson'), '');
    expect(prepareExportFileForResume(join(dir, 'empty.ndjson'), 'full')).toEqual({ truncatedBytes: 0 });
  });

  it('finds the last complete line', () => {
    const path = join(dir, 'x.ndjson');
    writeFileSync(path, lines(1, 50));
    expect(prepareExportFileForResume(path, 'full')).toEqual({ lastPosition: 50n, truncatedBytes: 0 });
  });

  it('cuts away a line torn by an interrupted export', () => {
    const path = join(dir, 'x.ndjson');
    const whole = lines(1, 50);
    const torn = lines(51, 51).slice(0, 30);
    writeFileSync(path, whole + torn);
    expect(prepareExportFileForResume(path, 'full')).toEqual({ lastPosition: 50n, truncatedBytes: 30 });
    expect(readFileSync(path, 'utf8')).toBe(whole);
  });

  it('a file holding only a torn first line is emptied', () => {
    const path = join(dir, 'x.ndjson');
    writeFileSync(path, lines(1, 1).slice(0, 20));
    expect(prepareExportFileForResume(path, 'full')).toEqual({ truncatedBytes: 20 });
    expect(readFileSync(path, 'utf8')).toBe('');
  });

  it('refuses to resume a file of the other view or a file that is no export', () => {
    const path = join(dir, 'x.ndjson');
    writeFileSync(path, lines(1, 3, 'public'));
    expect(() => prepareExportFileForResume(path, 'full')).toThrow(/public export/);
    writeFileSync(path, 'hello\nworld\n');
    expect(() => prepareExportFileForResume(path, 'full')).toThrow(/does not end with an export line/);
  });
});
