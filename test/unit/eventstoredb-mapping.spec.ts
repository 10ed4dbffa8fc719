import type { AllStreamResolvedEvent, ResolvedEvent } from '@eventstore/db-client';
import { newCommitmentSalt, privateDigest } from '../../src/audit/event-commitment.js';
import {
  COMMITMENT_SALT_METADATA_KEY,
  checkConnectionString,
  commitPosition,
  metadataWithSalt,
  toRecordedEvent,
} from '../../src/event-store/eventstoredb/eventstoredb-mapping.js';
import { anEvent, testMetadata } from '../support/events.js';

const NO_POSITION = 2n ** 64n - 1n;

function resolved(overrides: Record<string, unknown> = {}, commitPosition?: bigint): ResolvedEvent {
  return {
    event: {
      streamId: 'order-1',
      id: '6f1c1b8e-2f7a-4d55-9a57-1b2c3d4e5f60',
      isJson: true,
      revision: 7n,
      type: 'OrderPaid',
      created: new Date('2026-11-26T03:04:05.678Z'),
      data: { orderId: '1', amountRupiah: 3_900_000 },
      metadata: { ...testMetadata },
      position: { commit: 1_234_567n, prepare: 1_234_567n },
      ...overrides,
    },
    ...(commitPosition !== undefined ? { commitPosition } : {}),
  } as unknown as ResolvedEvent;
}

describe('EventStoreDB adapter mappings (unit)', () => {
  describe('the commitment salt in the metadata', () => {
    it('is added on append and exposed as the commitment on read, with the digest of what the port returns', () => {
      const event = anEvent('OrderPaid', { orderId: '1', amountRupiah: 3_900_000 });
      const saltHex = newCommitmentSalt();
      const stored = metadataWithSalt(event, saltHex);
      expect(stored).toEqual({ ...event.metadata, [COMMITMENT_SALT_METADATA_KEY]: saltHex });

      const recorded = toRecordedEvent(resolved({ data: event.data, metadata: stored }))!;
      expect(recorded.metadata).toEqual(event.metadata);
      expect(recorded.metadata).not.toHaveProperty(COMMITMENT_SALT_METADATA_KEY);
      expect(recorded.commitment).toEqual({ saltHex, privateDigest: privateDigest(saltHex, event.data, event.metadata) });
    });

    it('gives no commitment to an event written without a salt, or with one that is not 32 bytes of hex', () => {
      expect(toRecordedEvent(resolved())!.commitment).toBeUndefined();
      const odd = toRecordedEvent(resolved({ metadata: { ...testMetadata, [COMMITMENT_SALT_METADATA_KEY]: 'not-hex' } }))!;
      expect(odd.commitment).toBeUndefined();
      expect(odd.metadata).toEqual(testMetadata);
    });
  });

  describe('events written by others', () => {
    it('skips binary events and events whose metadata is not a JSON object', () => {
      expect(toRecordedEvent(resolved({ isJson: false, data: new Uint8Array([1, 2]) }))).toBeUndefined();
      expect(toRecordedEvent(resolved({ metadata: new Uint8Array([1]) }))).toBeUndefined();
      expect(toRecordedEvent(resolved({ metadata: ['a'] }))).toBeUndefined();
      expect(toRecordedEvent({} as AllStreamResolvedEvent)).toBeUndefined();
    });

    it('keeps the revision the server gave (a truncated or recreated stream does not start at 0)', () => {
      expect(toRecordedEvent(resolved({ revision: 41n }))!.revision).toBe(41n);
    });
  });

  describe('positions', () => {
    it('takes the commit position, or the read position when an old server sent none, else -1 (unknown)', () => {
      expect(toRecordedEvent(resolved())!.position).toBe(1_234_567n);
      expect(commitPosition({ commit: NO_POSITION, prepare: NO_POSITION }, 99n)).toBe(99n);
      expect(commitPosition(undefined, undefined)).toBe(-1n);
    });
  });

  describe('connection strings', () => {
    it.each([
      'esdb://localhost:2113?tls=false',
      'esdb+discover://admin:changeit@esdb.example.go.id:2113?tls=true&tlsCAFile=/etc/bela/esdb-ca.crt',
      'esdb://bela:s%40cret@node1:2113,node2:2113,node3:2113?tlsCAFile=ca.crt&nodePreference=leader',
      'esdb://localhost:2113',
    ])('accepts %s', (connectionString) => {
      expect(() => checkConnectionString(connectionString)).not.toThrow();
    });

    it.each([
      ['esdb://admin:changeit@localhost:2113?tls=false', /credentials with tls=false/],
      ['esdb://admin:changeit@localhost:2113?TLS=False', /credentials with tls=false/],
      ['esdb://localhost:2113?tlsVerifyCert=false', /tlsVerifyCert=false/],
      ['esdb://localhost:2113?tls_verify_cert=false', /tlsVerifyCert=false/],
      ['esdb://localhost:2113?throwOnAppendFailure=false', /throwOnAppendFailure=false/],
      ['esdb://localhost:2113?tls=false&throw-on-append-failure=FALSE', /throwOnAppendFailure=false/],
      ['https://localhost:2113', /esdb:\/\//],
    ])('refuses %s', (connectionString, message) => {
      expect(() => checkConnectionString(connectionString)).toThrow(message);
    });
  });
});
