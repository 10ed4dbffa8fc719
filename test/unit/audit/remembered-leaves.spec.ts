import { randomUUID } from 'node:crypto';
import { commitEvent, takeRememberedLeaf } from '../../../src/audit/event-commitment.js';
import { SqliteEventStore } from '../../../src/event-store/sqlite/sqlite-event-store.js';

describe('leaves remembered from the store for the transparency log (unit)', () => {
  it("an appended event's leaf is the one recomputed from the stored event, handed out once", async () => {
    const store = SqliteEventStore.open(':memory:');
    try {
      const metadata = {
        correlationId: 'c',
        causationId: 'c',
        actor: { id: 'test', role: 'admin' as const },
        occurredAt: '2025-01-06T01:00:00.000Z',
        schemaVersion: 1,
      };
      await store.appendToStream('vendor-1', [{ id: randomUUID(), type: 'VendorRegistered', data: { vendorId: '1', name: 'Koperasi' }, metadata }], {
        expectedRevision: 'no_stream',
      });
      const [event] = await store.readAll();
      const { saltHex, privateDigest } = event!.commitment!;
      const remembered = takeRememberedLeaf(event!.position, event!.id, privateDigest);
      expect(remembered).toEqual(commitEvent(event!, saltHex, privateDigest).leafData);
      expect(takeRememberedLeaf(event!.position, event!.id, privateDigest)).toBeUndefined();
      // Another digest (another salt, other data) never matches.
      expect(takeRememberedLeaf(event!.position, event!.id, '0'.repeat(64))).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
