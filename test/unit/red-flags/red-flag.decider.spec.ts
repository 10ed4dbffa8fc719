import type { Actor } from '../../../src/kernel/actor.js';
import type { RedFlagCommand } from '../../../src/red-flags/domain/red-flag.decider.js';
import { redFlagDecider } from '../../../src/red-flags/domain/red-flag.decider.js';
import type { RedFlagEvent } from '../../../src/red-flags/domain/red-flag.events.js';
import { given } from '../../support/given-when-then.js';

const flagId = '99999999-9999-5999-8999-999999999999';
const auditor: Actor = { id: 'key:auditor', role: 'auditor' };
const admin: Actor = { id: 'key:admin', role: 'admin' };
const review = (overrides: Partial<Extract<RedFlagCommand, { type: 'ReviewRedFlag' }>> = {}): RedFlagCommand => ({
  type: 'ReviewRedFlag',
  flagId,
  status: 'dismissed',
  reason: '  harga wajar untuk laptop spesifikasi tinggi  ',
  by: auditor,
  flagExists: true,
  ...overrides,
});
const reviewed = (status: 'dismissed' | 'confirmed', reason: string): RedFlagEvent => ({ type: 'RedFlagReviewed', data: { flagId, status, reason } });
const refusal: Extract<RedFlagEvent, { type: 'SplitPurchaseRefused' }>['data'] = {
  flagId,
  orderId: 'aaaaaaaa-aaaa-5aaa-8aaa-000000000002',
  opdCode: 'OPD-3673-DINKES',
  vendorId: '11111111-1111-5111-8111-111111111111',
  cardId: '44444444-4444-5444-8444-444444444444',
  totalRupiah: 50_000_000,
  attemptedAt: '2026-11-26T03:00:18.000Z',
  splitWindowDays: 30,
  maxOrderTotalRupiah: 50_000_000,
  sumRupiah: 100_000_000,
  earlierOrders: [{ orderId: 'aaaaaaaa-aaaa-5aaa-8aaa-000000000001', totalRupiah: 50_000_000, placedAt: '2026-11-26T03:00:00.000Z' }],
  policyRevision: 1,
};

describe('red flag decider (unit)', () => {
  it('given an open flag, when an auditor dismisses it with a reason, then RedFlagReviewed with the trimmed reason', () => {
    given(redFlagDecider, [])
      .when(review())
      .then([reviewed('dismissed', 'harga wajar untuk laptop spesifikasi tinggi')]);
  });

  it('given a dismissal, when an admin confirms it, then a second review replaces the status', () => {
    given(redFlagDecider, [reviewed('dismissed', 'wajar')])
      .when(review({ status: 'confirmed', reason: 'pemecahan paket terbukti', by: admin }))
      .then([reviewed('confirmed', 'pemecahan paket terbukti')]);
  });

  it('refuses a flag the read model does not hold (404), a missing or blank reason (400), a bad status (400), a buyer (403)', () => {
    given(redFlagDecider, [])
      .when(review({ flagExists: false }))
      .thenRefuses({ kind: 'not_found', code: 'RED_FLAG_NOT_FOUND', details: { flagId } });
    given(redFlagDecider, [])
      .when(review({ reason: undefined }))
      .thenRefuses({ kind: 'validation', code: 'INVALID_TEXT' });
    given(redFlagDecider, [])
      .when(review({ reason: '   ' }))
      .thenRefuses({ kind: 'validation', code: 'INVALID_TEXT' });
    given(redFlagDecider, [])
      .when(review({ status: 'open' as never }))
      .thenRefuses({ kind: 'validation', code: 'INVALID_REVIEW' });
    given(redFlagDecider, [])
      .when(review({ by: { id: 'key:buyer', role: 'buyer', opdCode: 'OPD-3673-DINKES' } }))
      .thenRefuses({ kind: 'forbidden', code: 'ROLE_NOT_ALLOWED' });
  });

  it('records a split purchase refusal once: a retried placement adds nothing', () => {
    given(redFlagDecider, [])
      .when({ type: 'RecordSplitPurchaseRefusal', refusal })
      .then([{ type: 'SplitPurchaseRefused', data: refusal }]);
    given(redFlagDecider, [{ type: 'SplitPurchaseRefused', data: refusal }])
      .when({ type: 'RecordSplitPurchaseRefusal', refusal })
      .then([]);
  });

  it('a refused split purchase can be reviewed like any flag', () => {
    given(redFlagDecider, [{ type: 'SplitPurchaseRefused', data: refusal }])
      .when(review({ status: 'confirmed', reason: 'sengaja dipecah' }))
      .then([reviewed('confirmed', 'sengaja dipecah')]);
  });
});
