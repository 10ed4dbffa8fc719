import { randomUUID } from 'node:crypto';
import type { EventData, EventMetadata } from '../../src/event-store/event-store.port.js';

export const testMetadata: EventMetadata = {
  correlationId: 'test-correlation',
  causationId: 'test-causation',
  actor: { id: 'test', role: 'system' },
  occurredAt: '2026-11-26T00:00:00.000Z',
  schemaVersion: 1,
};

export function anEvent(type = 'SomethingHappened', data: unknown = { n: 1 }): EventData {
  return { id: randomUUID(), type, data, metadata: testMetadata };
}

export function events(count: number, type = 'SomethingHappened'): EventData[] {
  return Array.from({ length: count }, (_, n) => anEvent(type, { n }));
}

/** Stream ids unique to one test run, so suites can share a real EventStoreDB. */
export function uniqueStream(category = 'test'): string {
  return `${category}-${randomUUID().replace(/-/g, '')}`;
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
