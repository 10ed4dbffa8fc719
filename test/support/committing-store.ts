import { createHash } from 'node:crypto';
import { privateDigest } from '../../src/audit/event-commitment.js';
import type { AllSubscription, EventStore, RecordedEvent } from '../../src/event-store/event-store.port.js';

/** A salt derived from the event id: deterministic, and only ever made in tests. */
export function standInSalt(eventId: string): string {
  return createHash('sha256').update(`test-salt:${eventId}`).digest('hex');
}

export function withStandInCommitment(event: RecordedEvent): RecordedEvent {
  if (event.commitment) return event;
  const saltHex = standInSalt(event.id);
  return { ...event, commitment: { saltHex, privateDigest: privateDigest(saltHex, event.data, event.metadata) } };
}

/**
 * Until the embedded store keeps a commitment beside every event, tests give each event a
 * deterministic stand-in on the way out. The service itself never invents one.
 */
export function committingStore(store: EventStore): EventStore {
  return {
    appendToStream: (streamId, events, options) => store.appendToStream(streamId, events, options),
    readStream: async (streamId, options) => (await store.readStream(streamId, options)).map(withStandInCommitment),
    readAll: async (options) => (await store.readAll(options)).map(withStandInCommitment),
    headPosition: () => store.headPosition(),
    countEventsAfter: (position, countMax) => store.countEventsAfter(position, countMax),
    close: () => store.close(),
    subscribeToAll(options): AllSubscription {
      const inner = store.subscribeToAll(options);
      return {
        unsubscribe: () => inner.unsubscribe(),
        async *[Symbol.asyncIterator]() {
          for await (const event of inner) yield withStandInCommitment(event);
        },
      };
    },
  };
}
