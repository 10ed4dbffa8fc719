import type { RowChange } from '../../../projections/projection.js';
import { cardsProjection } from '../../../projections/cards/cards.projection.js';
import { journalProjection } from '../../../projections/journal/journal.projection.js';
import { ordersProjection } from '../../../projections/orders/orders.projection.js';
import { spendingProjection, splitByCategory } from '../../../projections/spending/spending.projection.js';
import { lookupOf, noLookup, projected } from '../../support/projected-events.js';

const orderId = '33333333-3333-5333-8333-333333333333';
const cardId = '44444444-4444-5444-8444-444444444444';
const vendorId = '11111111-1111-5111-8111-111111111111';
const line = (category: string, lineTotalRupiah: number, n: number) => ({
  listingId: `5555555${n}-5555-5555-8555-555555555555`,
  listingRevision: 0,
  title: `barang ${n}`,
  category,
  unit: 'buah',
  quantity: 1,
  unitPriceRupiah: lineTotalRupiah,
  lineTotalRupiah,
  isDomesticProduct: true,
});
const placed = {
  orderId,
  buyer: { opdCode: '3673-DINKES', opdName: 'Dinas Kesehatan Kota Serang', kabupatenKotaCode: '3673', officialName: 'Siti Rohmah' },
  vendorId,
  vendorScale: 'mikro',
  cardId,
  lines: [line('makan-minum', 700_000, 1), line('atk', 250_000, 2)],
  shippingRupiah: 50_000,
  totalRupiah: 1_000_000,
  domesticUmkPurchase: true,
  policyRevision: 0,
};

/** Sum of debits and credits over journal line inserts. */
function journalTotals(changes: readonly RowChange[]): { debit: number; credit: number; accounts: string[] } {
  const lines = changes.filter((change) => change.op === 'insert' && change.table === 'journal_lines') as Extract<RowChange, { op: 'insert' }>[];
  return {
    debit: lines.reduce((sum, change) => sum + Number(change.values.debit_rupiah), 0),
    credit: lines.reduce((sum, change) => sum + Number(change.values.credit_rupiah), 0),
    accounts: lines.map((change) => `${change.values.debit_rupiah ? 'Dr' : 'Cr'} ${String(change.values.account)}`),
  };
}

describe('orders projection (unit)', () => {
  it('given OrderPlaced, then a summary, one row per line and a timeline entry', () => {
    const changes = ordersProjection.project(projected('OrderPlaced', placed, { position: 10, streamId: `order-${orderId}` }), noLookup);
    expect(changes[0]).toMatchObject({
      op: 'insert',
      table: 'order_summaries',
      values: {
        order_id: orderId,
        status: 'placed',
        opd_code: '3673-DINKES',
        items_rupiah: 950_000,
        total_rupiah: 1_000_000,
        categories: 'atk,makan-minum',
        line_count: 2,
      },
    });
    expect(changes.filter((change) => change.table === 'order_lines')).toHaveLength(2);
    expect(changes[changes.length - 1]).toMatchObject({
      op: 'insert',
      table: 'order_timeline',
      values: { order_id: orderId, position: 10, event_type: 'OrderPlaced' },
    });
  });

  it('when the order moves (authorised, received, paid), then its status and step times; card hold events join the timeline only', () => {
    const received = ordersProjection.project(
      projected('OrderReceived', { orderId, bastNumber: 'BAST/1', bastDate: '2025-03-14' }, { revision: 4, at: '2025-03-14T05:00:00.000Z' }),
      noLookup,
    );
    expect(received[0]).toMatchObject({
      op: 'update',
      key: { order_id: orderId },
      set: { status: 'received', received_at: '2025-03-14T05:00:00.000Z', bast_number: 'BAST/1', revision: 4 },
    });
    const paid = ordersProjection.project(projected('OrderPaid', { orderId, cardId, amountRupiah: 1_000_000, policyRevision: 0 }), noLookup);
    expect(paid[0]).toMatchObject({ op: 'update', set: { status: 'paid', paid_rupiah: 1_000_000 } });
    const captured = ordersProjection.project(
      projected(
        'AuthorisationCaptured',
        { cardId, orderId, amountRupiah: 1_000_000, heldRupiah: 1_000_000, bastNumber: 'BAST/1', policyRevision: 0 },
        { streamId: `card-${cardId}` },
      ),
      noLookup,
    );
    expect(captured).toEqual([
      expect.objectContaining({
        op: 'insert',
        table: 'order_timeline',
        values: expect.objectContaining({ event_type: 'AuthorisationCaptured', stream_id: `card-${cardId}` }),
      }),
    ]);
  });

  it('when cancelled, then closed with the reason', () => {
    const [change] = ordersProjection.project(projected('OrderCancelled', { orderId, reason: 'batal' }), noLookup);
    expect(change).toMatchObject({ set: { status: 'cancelled', status_reason: 'batal' } });
  });
});

describe('cards projection (unit)', () => {
  it('given CardIssued, then available = limit', () => {
    const [change] = cardsProjection.project(
      projected('CardIssued', {
        cardId,
        opdCode: '3673-DINKES',
        opdName: 'Dinkes',
        holderName: 'Siti',
        cardLast4: '1234',
        limitRupiah: 100_000_000,
        expiresOn: '2027-12-31',
      }),
      noLookup,
    );
    expect(change).toMatchObject({
      op: 'insert',
      values: { limit_rupiah: 100_000_000, held_rupiah: 0, captured_unsettled_rupiah: 0, available_rupiah: 100_000_000 },
    });
  });

  it('hold, capture of part, settlement: held, unsettled and available move by the amounts', () => {
    const hold = cardsProjection.project(
      projected('AuthorisationApproved', {
        cardId,
        orderId,
        payeeVendorId: vendorId,
        amountRupiah: 1_000_000,
        availableBeforeRupiah: 100_000_000,
        capRupiah: 50_000_000,
        expiresAt: '2025-04-13T00:00:00.000Z',
        policyRevision: 0,
      }),
      noLookup,
    );
    expect(hold[0]).toMatchObject({ op: 'update', add: { held_rupiah: 1_000_000, available_rupiah: -1_000_000, authorisation_count: 1 } });
    expect(hold[1]).toMatchObject({
      op: 'upsert',
      table: 'card_holds',
      key: { card_id: cardId, order_id: orderId },
      values: { status: 'held', amount_rupiah: 1_000_000 },
    });
    const capture = cardsProjection.project(
      projected('AuthorisationCaptured', { cardId, orderId, amountRupiah: 900_000, heldRupiah: 1_000_000, bastNumber: 'B', policyRevision: 0 }),
      noLookup,
    );
    expect(capture[0]).toMatchObject({ add: { held_rupiah: -1_000_000, captured_unsettled_rupiah: 900_000, available_rupiah: 100_000 } });
    expect(capture[1]).toMatchObject({ op: 'update', table: 'card_holds', set: { status: 'captured', captured_rupiah: 900_000 } });
    const settled = cardsProjection.project(projected('StatementSettled', { cardId, statementReference: 'S1', amountRupiah: 900_000 }), noLookup);
    expect(settled[0]).toMatchObject({ add: { captured_unsettled_rupiah: -900_000, available_rupiah: 900_000, settled_total_rupiah: 900_000 } });
  });

  it('a decline counts but moves no money; a limit change moves available by the difference', () => {
    const declined = cardsProjection.project(
      projected('AuthorisationDeclined', {
        cardId,
        orderId,
        payeeVendorId: vendorId,
        amountRupiah: 5,
        reason: 'INSUFFICIENT_AVAILABLE',
        availableRupiah: 1,
        capRupiah: 50_000_000,
        policyRevision: 0,
      }),
      noLookup,
    );
    expect(declined[0]).toMatchObject({ add: { decline_count: 1 } });
    const limit = cardsProjection.project(projected('CardLimitChanged', { cardId, previousLimitRupiah: 100, limitRupiah: 70 }), noLookup);
    expect(limit[0]).toMatchObject({ set: { limit_rupiah: 70 }, add: { available_rupiah: -30 } });
  });
});

describe('journal projection (unit)', () => {
  const cases: [string, string, unknown, string[]][] = [
    [
      'issue',
      'CardIssued',
      { cardId, opdCode: 'X', opdName: 'X', holderName: 'X', cardLast4: '1234', limitRupiah: 100, expiresOn: '2027-12-31' },
      ['Dr card-available', 'Cr card-limit'],
    ],
    [
      'hold',
      'AuthorisationApproved',
      { cardId, orderId, payeeVendorId: vendorId, amountRupiah: 40, availableBeforeRupiah: 100, capRupiah: 50, expiresAt: 'x', policyRevision: 0 },
      ['Dr card-held', 'Cr card-available'],
    ],
    [
      'partial capture',
      'AuthorisationCaptured',
      { cardId, orderId, amountRupiah: 30, heldRupiah: 40, bastNumber: 'B', policyRevision: 0 },
      ['Dr card-captured-unsettled', 'Cr card-held', 'Dr card-available', 'Cr card-held'],
    ],
    ['void', 'AuthorisationVoided', { cardId, orderId, amountRupiah: 40, reason: 'r', policyRevision: 0 }, ['Dr card-available', 'Cr card-held']],
    ['expiry', 'AuthorisationExpired', { cardId, orderId, amountRupiah: 40, expiresAt: 'x', policyRevision: 0 }, ['Dr card-available', 'Cr card-held']],
    [
      'settlement',
      'StatementSettled',
      { cardId, statementReference: 'S', amountRupiah: 30 },
      ['Dr card-available', 'Cr card-captured-unsettled', 'Dr bank-settled', 'Cr opd-treasury'],
    ],
    ['limit down', 'CardLimitChanged', { cardId, previousLimitRupiah: 100, limitRupiah: 60 }, ['Dr card-limit', 'Cr card-available']],
  ];

  it.each(cases)('%s: the postings, with debits = credits', (_name, type, data, accounts) => {
    const changes = journalProjection.project(projected(type, data, { position: 42 }), noLookup);
    const totals = journalTotals(changes);
    expect(totals.accounts).toEqual(accounts);
    expect(totals.debit).toBe(totals.credit);
    expect(changes[0]).toMatchObject({
      op: 'insert',
      table: 'journal_entries',
      values: { position: 42, debit_rupiah: totals.debit, credit_rupiah: totals.credit },
    });
    const balanceNet = changes
      .filter((change): change is Extract<RowChange, { op: 'increment' }> => change.op === 'increment')
      .reduce((sum, change) => sum + change.add.balance_rupiah!, 0);
    expect(balanceNet).toBe(0);
  });

  it('a full capture posts no zero-amount release', () => {
    const changes = journalProjection.project(
      projected('AuthorisationCaptured', { cardId, orderId, amountRupiah: 40, heldRupiah: 40, bastNumber: 'B', policyRevision: 0 }),
      noLookup,
    );
    expect(journalTotals(changes).accounts).toEqual(['Dr card-captured-unsettled', 'Cr card-held']);
  });
});

describe('spending projection (unit)', () => {
  it('given a placed order, when it is paid, then the cube gains its amount split by category, with vendor locality at payment', () => {
    const placedChanges = spendingProjection.project(projected('OrderPlaced', placed), noLookup);
    const stored = placedChanges.find((change) => change.table === 'spending_orders') as Extract<RowChange, { op: 'insert' }>;
    expect(JSON.parse(String(stored.values.category_amounts))).toEqual([
      ['makan-minum', 750_000],
      ['atk', 250_000],
    ]);
    const lookup = lookupOf({
      spending_orders: [stored.values],
      spending_vendors: [{ vendor_id: vendorId, name: 'V', scale: 'mikro', is_local: 1, kabupaten_kota_code: '3673' }],
    });
    const changes = spendingProjection.project(
      projected('OrderPaid', { orderId, cardId, amountRupiah: 1_000_000, policyRevision: 0 }, { at: '2025-03-31T20:00:00.000Z' }),
      lookup,
    );
    expect(changes).toEqual([
      {
        op: 'increment',
        table: 'spending_cube',
        key: {
          month: '2025-03',
          opd_code: '3673-DINKES',
          vendor_id: vendorId,
          category: 'makan-minum',
          buyer_kabupaten_kota_code: '3673',
          vendor_scale: 'mikro',
          vendor_is_local: 1,
        },
        add: { amount_rupiah: 750_000, order_count: 1 },
      },
      expect.objectContaining({ key: expect.objectContaining({ category: 'atk' }), add: { amount_rupiah: 250_000, order_count: 0 } }),
    ]);
  });

  it('splits a payment different from the total in proportion, whole rupiah, summing to what was paid', () => {
    const parts = splitByCategory(
      [
        ['a', 333],
        ['b', 333],
        ['c', 334],
      ],
      1_000,
      100,
    );
    expect(parts.reduce((sum, [, amount]) => sum + amount, 0)).toBe(100);
    expect(parts).toEqual([
      ['a', 34],
      ['b', 33],
      ['c', 33],
    ]);
  });
});
