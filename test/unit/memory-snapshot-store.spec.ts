import { MemorySnapshotStore } from '../../src/event-store/memory-snapshot-store.js';
import type { StoredSnapshot } from '../../src/event-store/snapshot-store.port.js';

const snapshot = (streamId: string, revision: bigint, stateSchemaVersion = 1): StoredSnapshot => ({
  streamId,
  revision,
  eventId: `${streamId}@${revision}`,
  stateSchemaVersion,
  stateJson: '{}',
});

describe('MemorySnapshotStore', () => {
  it('keeps the latest snapshot of each stream and ignores an older one of the same version', async () => {
    const store = new MemorySnapshotStore(10);
    await store.save(snapshot('card-a', 20n));
    await store.save(snapshot('card-a', 10n));
    expect(await store.load('card-a')).toEqual(snapshot('card-a', 20n));
    await store.save(snapshot('card-a', 5n, 2));
    expect(await store.load('card-a')).toEqual(snapshot('card-a', 5n, 2));
    expect(await store.load('card-b')).toBeUndefined();
  });

  it('drops the stream snapshotted longest ago once it holds its bound', async () => {
    const store = new MemorySnapshotStore(2);
    await store.save(snapshot('card-a', 1n));
    await store.save(snapshot('card-b', 1n));
    await store.save(snapshot('card-a', 2n));
    await store.save(snapshot('card-c', 1n));
    expect(await store.load('card-b')).toBeUndefined();
    expect(await store.load('card-a')).toEqual(snapshot('card-a', 2n));
    expect(await store.load('card-c')).toEqual(snapshot('card-c', 1n));
  });
});
