import { nibDecider, nibStreamId } from '../../src/vendors/domain/nib.decider.js';
import type { NibEvent } from '../../src/vendors/domain/vendor.events.js';
import { given } from '../support/given-when-then.js';

const NIB = '9120301234567';
const FIRST = '0b9c7d3e-8a41-4f0e-9d6b-2f3a1c5e7d90';
const SECOND = '5d2e8f10-3b7c-4a96-8e21-c4f5a6b7d8e9';

const reserved = (vendorId: string): NibEvent => ({ type: 'NibReserved', data: { nib: NIB, vendorId } });
const released = (vendorId: string, reason = 'dokumen tidak valid'): NibEvent => ({ type: 'NibReleased', data: { nib: NIB, vendorId, reason } });

describe('NIB decider: one stream per NIB keeps NIBs unique across vendors (unit)', () => {
  it('names its stream nib-<nib>', () => {
    expect(nibStreamId(NIB)).toBe(`nib-${NIB}`);
  });

  it('given a free NIB, when a vendor reserves it, then NibReserved', () => {
    given(nibDecider, [])
      .when({ type: 'ReserveNib', nib: NIB, vendorId: FIRST })
      .then([reserved(FIRST)]);
    expect(given(nibDecider, [reserved(FIRST)]).state()).toEqual({ status: 'reserved', vendorId: FIRST });
  });

  it('given a NIB reserved by one vendor, when another vendor reserves it, then NIB_ALREADY_REGISTERED (409)', () => {
    given(nibDecider, [reserved(FIRST)])
      .when({ type: 'ReserveNib', nib: NIB, vendorId: SECOND })
      .thenRefuses({ kind: 'conflict', code: 'NIB_ALREADY_REGISTERED', details: { nib: NIB } });
  });

  it('given a NIB reserved by a vendor, when the same vendor reserves it again (a retry), then nothing is written', () => {
    given(nibDecider, [reserved(FIRST)])
      .when({ type: 'ReserveNib', nib: NIB, vendorId: FIRST })
      .then([]);
  });

  it('given a reserved NIB, when its vendor is rejected and the NIB released, then NibReleased with the reason', () => {
    given(nibDecider, [reserved(FIRST)])
      .when({ type: 'ReleaseNib', nib: NIB, vendorId: FIRST, reason: 'dokumen tidak valid' })
      .then([released(FIRST)]);
    expect(given(nibDecider, [reserved(FIRST), released(FIRST)]).state()).toEqual({ status: 'free' });
  });

  it('given a released NIB, when a new vendor registers it, then NibReserved for the new vendor', () => {
    given(nibDecider, [reserved(FIRST), released(FIRST)])
      .when({ type: 'ReserveNib', nib: NIB, vendorId: SECOND })
      .then([reserved(SECOND)]);
  });

  it('given a NIB released and taken by a new vendor, when the old vendor releases it again (a retry), then nothing is written', () => {
    given(nibDecider, [reserved(FIRST), released(FIRST), reserved(SECOND)])
      .when({ type: 'ReleaseNib', nib: NIB, vendorId: FIRST, reason: 'x' })
      .then([]);
  });

  it('given a NIB reserved by another vendor, when a vendor that does not hold it releases it, then nothing is written', () => {
    given(nibDecider, [reserved(FIRST)])
      .when({ type: 'ReleaseNib', nib: NIB, vendorId: SECOND, reason: 'x' })
      .then([]);
  });

  it('given a free NIB, when it is released, then nothing is written', () => {
    given(nibDecider, []).when({ type: 'ReleaseNib', nib: NIB, vendorId: FIRST, reason: 'x' }).then([]);
  });

  describe('ReleaseUnregisteredNib (an admin, for a claim whose vendor never registered)', () => {
    const release = (holderStatus: 'absent' | 'pending' | 'verified' | 'rejected' | 'suspended', vendorId = FIRST) =>
      ({ type: 'ReleaseUnregisteredNib', nib: NIB, vendorId, holderStatus, reason: 'pendaftaran terputus' }) as const;

    it("given a claim by a vendor that never registered (or was rejected), then NibReleased with the admin's reason", () => {
      given(nibDecider, [reserved(FIRST)])
        .when(release('absent'))
        .then([released(FIRST, 'pendaftaran terputus')]);
      given(nibDecider, [reserved(FIRST)])
        .when(release('rejected'))
        .then([released(FIRST, 'pendaftaran terputus')]);
    });

    it('given a claim by a registered vendor, then NIB_HELD_BY_VENDOR (422) naming the holder and its status', () => {
      for (const status of ['pending', 'verified', 'suspended'] as const) {
        given(nibDecider, [reserved(FIRST)])
          .when(release(status))
          .thenRefuses({ kind: 'business_rule', code: 'NIB_HELD_BY_VENDOR', details: { nib: NIB, vendorId: FIRST, vendorStatus: status } });
      }
    });

    it('writes nothing for a NIB already free or claimed by another vendor since the holder was read', () => {
      given(nibDecider, [reserved(FIRST), released(FIRST)])
        .when(release('absent'))
        .then([]);
      given(nibDecider, [reserved(FIRST), released(FIRST), reserved(SECOND)])
        .when(release('absent'))
        .then([]);
    });

    it('refuses a blank reason or control characters in it', () => {
      given(nibDecider, [reserved(FIRST)])
        .when({ ...release('absent'), reason: ' ' })
        .thenRefuses({ kind: 'validation', code: 'INVALID_TEXT' });
      given(nibDecider, [reserved(FIRST)])
        .when({ ...release('absent'), reason: 'a\u0000b' })
        .thenRefuses({ kind: 'validation', code: 'INVALID_TEXT' });
    });
  });
});
