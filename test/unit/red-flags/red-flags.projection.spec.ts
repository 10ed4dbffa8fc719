import { redFlagId } from '../../../src/red-flags/red-flag-id.js';
import { OPD, OTHER_OPD, OTHER_VENDOR, RedFlagHistory, THIRD_VENDOR, VENDOR, orderId } from '../../support/red-flag-history.js';

const JUTA = 1_000_000;
const DAY = '2025-03-03';
const at = (time: string, day = DAY): string => `${day}T${time}.000Z`;

describe('red-flags projection: split purchase (unit, through the engine)', () => {
  it('given two Rp 50,000,000 orders from one OPD to one vendor 18 s apart, then one split-purchase flag naming both, the window and the policy revision', () => {
    const flags = new RedFlagHistory()
      .placed({ orderId: orderId(1), at: at('03:00:00'), totalRupiah: 50 * JUTA })
      .placed({ orderId: orderId(2), at: at('03:00:18'), totalRupiah: 50 * JUTA })
      .project()
      .flags('split-purchase');
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({
      flag_id: redFlagId('split-purchase', orderId(2)),
      outcome: 'flagged',
      status: 'open',
      opd_code: OPD,
      vendor_id: VENDOR,
      amount_rupiah: 100 * JUTA,
      order_ids: [orderId(1), orderId(2)],
      policy_revision: 0,
      parameters: { maxOrderTotalRupiah: 50 * JUTA, splitWindowDays: 30, splitPurchaseAction: 'flag' },
      raised_at: at('03:00:18'),
    });
    expect(flags[0]!.events.map((event) => [event.type, event.streamId, event.position])).toEqual([
      ['OrderPlaced', `order-${orderId(1)}`, 1],
      ['OrderPlaced', `order-${orderId(2)}`, 2],
    ]);
  });

  it('given three orders whose sum passes the cap only with the third, then the third raises it and names all three', () => {
    const flags = new RedFlagHistory()
      .placed({ orderId: orderId(1), at: at('03:00:00'), totalRupiah: 20 * JUTA })
      .placed({ orderId: orderId(2), at: at('03:00:00', '2025-03-10'), totalRupiah: 20 * JUTA })
      .placed({ orderId: orderId(3), at: at('03:00:00', '2025-03-20'), totalRupiah: 15 * JUTA })
      .project()
      .flags('split-purchase');
    expect(flags.map((flag) => flag.order_ids)).toEqual([[orderId(1), orderId(2), orderId(3)]]);
  });

  it('does not flag: another vendor, another OPD, a sum within the cap, an order outside the window, or an earlier order cancelled unpaid', () => {
    const history = new RedFlagHistory()
      .placed({ orderId: orderId(1), at: at('03:00:00'), totalRupiah: 30 * JUTA })
      .placed({ orderId: orderId(2), at: at('03:01:00'), totalRupiah: 30 * JUTA, vendorId: OTHER_VENDOR })
      .placed({ orderId: orderId(3), at: at('03:02:00'), totalRupiah: 30 * JUTA, opdCode: OTHER_OPD })
      .placed({ orderId: orderId(4), at: at('03:00:00', '2025-04-03'), totalRupiah: 30 * JUTA })
      .placed({ orderId: orderId(5), at: at('03:00:00', '2025-06-01'), totalRupiah: 10 * JUTA, vendorId: THIRD_VENDOR })
      .placed({ orderId: orderId(6), at: at('04:00:00', '2025-06-01'), totalRupiah: 11 * JUTA, vendorId: THIRD_VENDOR })
      .placed({ orderId: orderId(7), at: at('03:00:00', '2025-07-01'), totalRupiah: 40 * JUTA, vendorId: OTHER_VENDOR })
      .cancelled(orderId(7), at('05:00:00', '2025-07-01'))
      .placed({ orderId: orderId(8), at: at('06:00:00', '2025-07-01'), totalRupiah: 41 * JUTA, vendorId: OTHER_VENDOR });
    // orders 1 and 4 are 31 days apart: outside the 30-day window.
    expect(history.project().flags('split-purchase')).toEqual([]);
  });

  it('applies the window of the policy revision the order was placed under, kept from PolicySet', () => {
    const orders = (revision: number) =>
      new RedFlagHistory()
        .policy(1, { splitWindowDays: 1 })
        .placed({ orderId: orderId(1), at: at('03:00:00'), totalRupiah: 30 * JUTA, policyRevision: revision })
        .placed({ orderId: orderId(2), at: at('03:00:00', '2025-03-05'), totalRupiah: 30 * JUTA, policyRevision: revision })
        .project()
        .flags('split-purchase');
    expect(orders(1)).toEqual([]);
    expect(orders(0)).toEqual([expect.objectContaining({ policy_revision: 0, parameters: expect.objectContaining({ splitWindowDays: 30 }) })]);
  });

  it('uses the event time when an old OrderPlaced has no placedAt', () => {
    const flags = new RedFlagHistory()
      .placed({ orderId: orderId(1), at: at('03:00:00'), totalRupiah: 30 * JUTA, withoutPlacedAt: true })
      .placed({ orderId: orderId(2), at: at('03:05:00'), totalRupiah: 30 * JUTA, withoutPlacedAt: true })
      .project()
      .flags('split-purchase');
    expect(flags).toEqual([expect.objectContaining({ raised_at: at('03:05:00') })]);
  });

  it('given a SplitPurchaseRefused, then a refused split-purchase flag with its earlier orders', () => {
    const flagId = redFlagId('split-purchase', 'refused', orderId(2));
    const flags = new RedFlagHistory()
      .placed({ orderId: orderId(1), at: at('03:00:00'), totalRupiah: 50 * JUTA })
      .add(
        'SplitPurchaseRefused',
        `redflag-${flagId}`,
        {
          flagId,
          orderId: orderId(2),
          opdCode: OPD,
          vendorId: VENDOR,
          cardId: '44444444-4444-5444-8444-444444444444',
          totalRupiah: 50 * JUTA,
          attemptedAt: at('03:00:18'),
          splitWindowDays: 30,
          maxOrderTotalRupiah: 50 * JUTA,
          sumRupiah: 100 * JUTA,
          earlierOrders: [{ orderId: orderId(1), totalRupiah: 50 * JUTA, placedAt: at('03:00:00') }],
          policyRevision: 1,
        },
        at('03:00:18'),
      )
      .project()
      .flags('split-purchase');
    expect(flags).toEqual([
      expect.objectContaining({
        flag_id: flagId,
        outcome: 'refused',
        status: 'open',
        order_ids: [orderId(1), orderId(2)],
        policy_revision: 1,
        amount_rupiah: 100 * JUTA,
      }),
    ]);
  });
});

describe('red-flags projection: orders just under the cap (unit)', () => {
  it('flags an order at or above 95% of the maximum, and not one below it', () => {
    const flags = new RedFlagHistory()
      .placed({ orderId: orderId(1), at: at('03:00:00'), totalRupiah: 47_500_000 })
      .placed({ orderId: orderId(2), at: at('03:00:00', '2025-05-01'), totalRupiah: 47_499_999, vendorId: OTHER_VENDOR })
      .project()
      .flags('near-cap');
    expect(flags).toEqual([
      expect.objectContaining({
        flag_id: redFlagId('near-cap', orderId(1)),
        order_ids: [orderId(1)],
        parameters: { maxOrderTotalRupiah: 50 * JUTA, nearCapPercent: 95, floorRupiah: 47_500_000 },
      }),
    ]);
  });

  it('uses the percent of the policy in force (revision 1: 80%)', () => {
    const flags = new RedFlagHistory()
      .policy(1, { nearCapPercent: 80 })
      .placed({ orderId: orderId(1), at: at('03:00:00'), totalRupiah: 41 * JUTA, policyRevision: 1 })
      .placed({ orderId: orderId(2), at: at('03:00:00', '2025-05-01'), totalRupiah: 41 * JUTA, policyRevision: 0, vendorId: OTHER_VENDOR })
      .project()
      .flags('near-cap');
    expect(flags.map((flag) => [flag.order_ids[0], flag.policy_revision])).toEqual([[orderId(1), 1]]);
  });
});

describe('red-flags projection: concentration (unit)', () => {
  it("flags the vendor holding more than 50% of an OPD's yearly paid spending once it reaches Rp 100,000,000, once", () => {
    const history = new RedFlagHistory();
    const pay = (n: number, vendorId: string, rupiah: number, day: string) =>
      history.placed({ orderId: orderId(n), at: at('03:00:00', day), totalRupiah: rupiah, vendorId }).paid(orderId(n), rupiah, at('09:00:00', day));
    pay(1, VENDOR, 30 * JUTA, '2025-02-03');
    pay(2, VENDOR, 30 * JUTA, '2025-04-03');
    // The OPD's total reaches the minimum with another vendor's payment: the top vendor is checked too.
    pay(3, OTHER_VENDOR, 45 * JUTA, '2025-06-03');
    pay(4, VENDOR, 20 * JUTA, '2025-08-04');
    const flags = history.project().flags('concentration');
    expect(flags).toEqual([
      expect.objectContaining({
        flag_id: redFlagId('concentration', OPD, '2025', VENDOR),
        vendor_id: VENDOR,
        opd_code: OPD,
        amount_rupiah: 60 * JUTA,
        order_ids: [orderId(3)],
        parameters: expect.objectContaining({
          concentrationSharePercent: 50,
          concentrationMinSpendRupiah: 100 * JUTA,
          year: '2025',
          opdSpentRupiah: 105 * JUTA,
        }),
      }),
    ]);
    expect(flags[0]!.events).toEqual([expect.objectContaining({ type: 'OrderPaid' })]);
  });

  it('does not flag spending spread over vendors, nor one vendor taking all of a small total', () => {
    const history = new RedFlagHistory();
    [VENDOR, OTHER_VENDOR, THIRD_VENDOR].forEach((vendorId, index) => {
      history
        .placed({ orderId: orderId(index + 1), at: at('03:00:00', `2025-0${index + 2}-03`), totalRupiah: 40 * JUTA, vendorId })
        .paid(orderId(index + 1), 40 * JUTA, at('09:00:00', `2025-0${index + 2}-03`));
    });
    history.placed({ orderId: orderId(9), at: at('03:00:00'), totalRupiah: 9 * JUTA, opdCode: OTHER_OPD }).paid(orderId(9), 9 * JUTA, at('09:00:00'));
    expect(history.project().flags('concentration')).toEqual([]);
  });
});

describe('red-flags projection: price outlier (unit)', () => {
  const market = (outlierRupiah: number, samples: number) => {
    const history = new RedFlagHistory();
    for (let n = 0; n < samples; n += 1) {
      history.placed({
        orderId: orderId(n + 1),
        at: at('03:00:00', `2025-03-${String(n + 1).padStart(2, '0')}`),
        lines: [['atk', 40_000 + (n % 5) * 5_000]],
        vendorId: n % 2 ? VENDOR : OTHER_VENDOR,
      });
    }
    return history.placed({
      orderId: orderId(99),
      at: at('03:00:00', '2025-04-20'),
      lines: [
        ['makan-minum', 30_000],
        ['atk', outlierRupiah],
      ],
      vendorId: THIRD_VENDOR,
    });
  };

  it("flags a unit price above Q3 + 1.5 IQR of the category's recent prices, naming the line and the fence", () => {
    const flags = market(500_000, 12).project().flags('price-outlier');
    expect(flags).toEqual([
      expect.objectContaining({
        flag_id: redFlagId('price-outlier', orderId(99), '2'),
        amount_rupiah: 500_000,
        order_ids: [orderId(99)],
        parameters: expect.objectContaining({ category: 'atk', lineNo: 2, samples: 12, q1Rupiah: 43_750, q3Rupiah: 55_000, upperFenceRupiah: 71_875 }),
      }),
    ]);
  });

  it('does not flag a price inside the fence, nor any price before the category has 10 prices', () => {
    expect(market(65_000, 12).project().flags('price-outlier')).toEqual([]);
    expect(market(500_000, 9).project().flags('price-outlier')).toEqual([]);
  });

  it('keeps only the last priceOutlierSampleSize prices of a category', () => {
    const projected = market(65_000, 60).project();
    const row = projected.db.prepare("SELECT prices FROM red_flag_category_prices WHERE category = 'atk'").get() as { prices: string };
    expect(JSON.parse(row.prices)).toHaveLength(50);
  });
});

describe('red-flags projection: duplicate payment (unit)', () => {
  it('flags the same OPD, vendor and total within 72 hours, naming both orders', () => {
    const flags = new RedFlagHistory()
      .placed({ orderId: orderId(1), at: at('03:00:00'), totalRupiah: 12_345_000 })
      .placed({ orderId: orderId(2), at: at('05:00:00', '2025-03-05'), totalRupiah: 12_345_000 })
      .project()
      .flags('duplicate-payment');
    expect(flags).toEqual([
      expect.objectContaining({
        flag_id: redFlagId('duplicate-payment', orderId(1), orderId(2)),
        order_ids: [orderId(1), orderId(2)],
        parameters: { duplicateWindowHours: 72 },
      }),
    ]);
  });

  it('does not flag another amount, another vendor, or the same amount 80 hours later', () => {
    const flags = new RedFlagHistory()
      .placed({ orderId: orderId(1), at: at('03:00:00'), totalRupiah: 12_345_000 })
      .placed({ orderId: orderId(2), at: at('04:00:00'), totalRupiah: 12_345_100 })
      .placed({ orderId: orderId(3), at: at('05:00:00'), totalRupiah: 12_345_000, vendorId: OTHER_VENDOR })
      .placed({ orderId: orderId(4), at: at('11:00:00', '2025-03-06'), totalRupiah: 12_345_000, vendorId: OTHER_VENDOR, opdCode: OTHER_OPD })
      .placed({ orderId: orderId(5), at: at('14:00:00', '2025-03-06'), totalRupiah: 12_345_000 })
      .project()
      .flags('duplicate-payment');
    // order 5 is 83 h after order 1 and only order 2 (another amount) is nearer.
    expect(flags).toEqual([]);
  });
});

describe('red-flags projection: new vendor, large order (unit)', () => {
  const history = () => new RedFlagHistory().verified(VENDOR, at('01:00:00', '2025-03-01')).verified(OTHER_VENDOR, at('01:00:00', '2025-01-01'));

  it("flags an order of at least Rp 25,000,000 within 14 days of the vendor's verification", () => {
    const flags = history()
      .placed({ orderId: orderId(1), at: at('03:00:00', '2025-03-04'), totalRupiah: 30 * JUTA })
      .project()
      .flags('new-vendor-large-order');
    expect(flags).toEqual([
      expect.objectContaining({
        order_ids: [orderId(1)],
        parameters: { newVendorDays: 14, newVendorLargeOrderRupiah: 25 * JUTA, verifiedAt: at('01:00:00', '2025-03-01') },
      }),
    ]);
    expect(flags[0]!.summary).toContain('heuristic');
  });

  it('does not flag a small order from a new vendor, nor a large order from a vendor verified long ago', () => {
    const flags = history()
      .placed({ orderId: orderId(1), at: at('03:00:00', '2025-03-04'), totalRupiah: 10 * JUTA })
      .placed({ orderId: orderId(2), at: at('03:00:00', '2025-03-04'), totalRupiah: 30 * JUTA, vendorId: OTHER_VENDOR })
      .project()
      .flags('new-vendor-large-order');
    expect(flags).toEqual([]);
  });

  it('a later reinstatement (a second VendorVerified) does not restart the period', () => {
    const flags = history()
      .verified(OTHER_VENDOR, at('01:00:00', '2025-03-02'))
      .placed({ orderId: orderId(2), at: at('03:00:00', '2025-03-04'), totalRupiah: 30 * JUTA, vendorId: OTHER_VENDOR })
      .project()
      .flags('new-vendor-large-order');
    expect(flags).toEqual([]);
  });
});

describe('red-flags projection: heterogeneous supplier (unit)', () => {
  const sell = (scale: string, categories: readonly string[][]) => {
    const history = new RedFlagHistory();
    categories.forEach((lines, index) =>
      history.placed({
        orderId: orderId(index + 1),
        at: at('03:00:00', `2025-03-0${index + 1}`),
        vendorScale: scale,
        lines: lines.map((category) => [category, 100_000] as const),
      }),
    );
    return history.project().flags('heterogeneous-supplier');
  };

  it('flags a micro vendor once it has sold in 5 categories, once, naming the categories', () => {
    const flags = sell('mikro', [['atk', 'makan-minum'], ['souvenir'], ['elektronik', 'furnitur'], ['kesehatan']]);
    expect(flags).toEqual([
      expect.objectContaining({
        flag_id: redFlagId('heterogeneous-supplier', VENDOR),
        order_ids: [orderId(3)],
        parameters: { heterogeneousCategoriesMin: 5, vendorScale: 'mikro', categories: ['atk', 'elektronik', 'furnitur', 'makan-minum', 'souvenir'] },
      }),
    ]);
  });

  it('does not flag a small vendor in 4 categories, nor a medium-sized vendor in 6', () => {
    expect(sell('kecil', [['atk', 'makan-minum'], ['souvenir', 'atk'], ['elektronik']])).toEqual([]);
    expect(sell('menengah', [['atk', 'makan-minum'], ['souvenir'], ['elektronik', 'furnitur'], ['kesehatan']])).toEqual([]);
  });
});

describe('red-flags projection: reviews (unit)', () => {
  it('given RedFlagReviewed, then the status, the reason and the reviewer; a later review replaces it', () => {
    const flagId = redFlagId('near-cap', orderId(1));
    const [flag] = new RedFlagHistory()
      .placed({ orderId: orderId(1), at: at('03:00:00'), totalRupiah: 49 * JUTA })
      .reviewed(flagId, 'dismissed', 'harga wajar untuk laptop', at('08:00:00'))
      .reviewed(flagId, 'confirmed', 'dilihat lagi: pemecahan paket', at('09:00:00'), { id: 'key:admin2', role: 'admin' })
      .project()
      .flags('near-cap');
    expect(flag).toMatchObject({
      flag_id: flagId,
      status: 'confirmed',
      review_reason: 'dilihat lagi: pemecahan paket',
      reviewed_by: 'key:admin2',
      review_count: 2,
    });
  });

  it('a replay of the same history gives the same flags, ids and rows (rebuild = live)', () => {
    const history = new RedFlagHistory()
      .verified(VENDOR, at('01:00:00', '2025-03-01'))
      .placed({ orderId: orderId(1), at: at('03:00:00'), totalRupiah: 48 * JUTA })
      .placed({ orderId: orderId(2), at: at('03:00:18'), totalRupiah: 48 * JUTA })
      .paid(orderId(1), 48 * JUTA, at('09:00:00'))
      .paid(orderId(2), 48 * JUTA, at('09:00:00'));
    const live = history.project();
    const rebuilt = history.project();
    expect(
      live
        .flags()
        .map((flag) => flag.rule)
        .sort(),
    ).toEqual(['duplicate-payment', 'near-cap', 'near-cap', 'new-vendor-large-order', 'new-vendor-large-order', 'split-purchase']);
    expect(rebuilt.engine.checksums('red-flags')).toEqual(live.engine.checksums('red-flags'));
  });
});
