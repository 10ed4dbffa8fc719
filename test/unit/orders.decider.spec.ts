import type { Actor } from '../../src/kernel/actor.js';
import type { ListingSnapshot, OrderCommand } from '../../src/orders/domain/order.commands.js';
import type { OrderEvent } from '../../src/orders/domain/order.events.js';
import { orderDecider } from '../../src/orders/domain/order.decider.js';
import { fold } from '../../src/kernel/decider.js';
import { DEFAULT_POLICY, PolicyVersion } from '../../src/policy/domain/policy.js';
import type { OpdSnapshot } from '../../src/opds/domain/opd.state.js';
import { given } from '../support/given-when-then.js';

const ORDER = '0a000000-0000-4000-8000-000000000001';
const VENDOR = '0b000000-0000-4000-8000-000000000001';
const OTHER_VENDOR = '0b000000-0000-4000-8000-000000000002';
const CARD = '0c000000-0000-4000-8000-000000000001';
const NASI = '0d000000-0000-4000-8000-000000000001';
const SNACK = '0d000000-0000-4000-8000-000000000002';
const OPD = '3673-DINKES';
const policy: PolicyVersion = { ...DEFAULT_POLICY, revision: 3 };

const buyer: Actor = { id: 'key:buyer', role: 'buyer', opdCode: OPD };
const otherBuyer: Actor = { id: 'key:other', role: 'buyer', opdCode: '3673-DISDIK' };
const admin: Actor = { id: 'key:admin', role: 'admin' };
const vendor: Actor = { id: 'key:vendor', role: 'vendor', vendorId: VENDOR };
const otherVendor: Actor = { id: 'key:other-vendor', role: 'vendor', vendorId: OTHER_VENDOR };

const listing = (listingId: string, priceRupiah: number, overrides: Partial<Exclude<ListingSnapshot, { status: 'absent' }>> = {}): ListingSnapshot => ({
  listingId,
  status: 'active',
  revision: 2,
  vendorId: VENDOR,
  title: `item ${listingId.slice(-1)}`,
  category: 'makan-minum',
  unit: 'kotak',
  priceRupiah,
  isDomesticProduct: true,
  ...overrides,
});

type PlaceOrder = Extract<OrderCommand, { type: 'PlaceOrder' }>;
const dinkes: OpdSnapshot = {
  status: 'registered',
  opdCode: OPD,
  name: 'Dinas Kesehatan Kota Serang',
  kabupatenKotaCode: '3673',
  pemdaCode: '3673',
  pemdaLevel: 'kabupaten-kota',
};
/** 10:00 WIB on 26 November 2026. */
const PLACED_AT = new Date('2026-11-26T03:00:00Z');
const placeOrder = (overrides: Partial<PlaceOrder> = {}): PlaceOrder => ({
  type: 'PlaceOrder',
  orderId: ORDER,
  by: buyer,
  opdCode: OPD,
  opd: dinkes,
  officialName: 'Budi Santoso',
  lines: [
    { listingId: NASI, quantity: 100 },
    { listingId: SNACK, quantity: 50 },
  ],
  shippingRupiah: 150_000,
  vendor: { vendorId: VENDOR, status: 'verified', scale: 'mikro' },
  listings: [listing(NASI, 35_000), listing(SNACK, 12_000)],
  card: { cardId: CARD, status: 'active', opdCode: OPD },
  policy,
  at: PLACED_AT,
  ...overrides,
});

const placed: OrderEvent = {
  type: 'OrderPlaced',
  data: {
    orderId: ORDER,
    buyer: { opdCode: OPD, opdName: 'Dinas Kesehatan Kota Serang', kabupatenKotaCode: '3673', officialName: 'Budi Santoso' },
    vendorId: VENDOR,
    vendorScale: 'mikro',
    cardId: CARD,
    lines: [
      {
        listingId: NASI,
        listingRevision: 2,
        title: 'item 1',
        category: 'makan-minum',
        unit: 'kotak',
        quantity: 100,
        unitPriceRupiah: 35_000,
        lineTotalRupiah: 3_500_000,
        isDomesticProduct: true,
      },
      {
        listingId: SNACK,
        listingRevision: 2,
        title: 'item 2',
        category: 'makan-minum',
        unit: 'kotak',
        quantity: 50,
        unitPriceRupiah: 12_000,
        lineTotalRupiah: 600_000,
        isDomesticProduct: true,
      },
    ],
    shippingRupiah: 150_000,
    totalRupiah: 4_250_000,
    domesticUmkPurchase: true,
    policyRevision: 3,
    placedAt: PLACED_AT.toISOString(),
  },
};
const HOLD_EXPIRES = '2026-12-26T03:00:00.000Z';
const authorised: OrderEvent = {
  type: 'OrderAuthorised',
  data: { orderId: ORDER, cardId: CARD, amountRupiah: 4_250_000, holdExpiresAt: HOLD_EXPIRES, policyRevision: 3 },
};
const accepted: OrderEvent = { type: 'OrderAccepted', data: { orderId: ORDER, vendorId: VENDOR } };
const shipped: OrderEvent = { type: 'OrderShipped', data: { orderId: ORDER, vendorId: VENDOR, note: null } };
const received: OrderEvent = { type: 'OrderReceived', data: { orderId: ORDER, bastNumber: 'BAST/017/DINKES/2026', bastDate: '2026-11-28' } };
const paid: OrderEvent = { type: 'OrderPaid', data: { orderId: ORDER, cardId: CARD, amountRupiah: 4_250_000, policyRevision: 3 } };
const cancelled: OrderEvent = { type: 'OrderCancelled', data: { orderId: ORDER, reason: 'acara dibatalkan' } };

const receive = (overrides: Partial<Extract<OrderCommand, { type: 'ReceiveOrder' }>> = {}): OrderCommand => ({
  type: 'ReceiveOrder',
  by: buyer,
  bastNumber: 'BAST/017/DINKES/2026',
  bastDate: '2026-11-28',
  at: new Date('2026-11-28T09:00:00Z'),
  ...overrides,
});

describe('order decider', () => {
  describe('PlaceOrder', () => {
    it("given nothing, when a buyer orders from one vendor's active listings, then OrderPlaced priced at the listing revisions", () => {
      given(orderDecider, []).when(placeOrder()).then([placed]);
    });

    it('lets an admin place for an OPD, and marks a purchase with a foreign product or a non-UMK vendor as not domestic UMK', () => {
      expect(
        given(orderDecider, [])
          .when(placeOrder({ by: admin }))
          .decided()[0]!.type,
      ).toBe('OrderPlaced');
      const imported = placeOrder({ listings: [listing(NASI, 35_000), listing(SNACK, 12_000, { isDomesticProduct: false })] });
      expect(given(orderDecider, []).when(imported).decided()[0]!.data).toMatchObject({ domesticUmkPurchase: false });
    });

    it('refuses a total over maxOrderTotal, naming the rule and the policy revision (422)', () => {
      given(orderDecider, [])
        .when(placeOrder({ lines: [{ listingId: NASI, quantity: 1_429 }], shippingRupiah: 0 }))
        .thenRefuses({
          kind: 'business_rule',
          code: 'ORDER_TOTAL_OVER_MAX',
          details: { rule: 'maxOrderTotalRupiah', maxOrderTotalRupiah: 50_000_000, totalRupiah: 50_015_000, policyRevision: 3 },
        });
      // Exactly the maximum is allowed; shipping counts.
      expect(
        given(orderDecider, [])
          .when(placeOrder({ lines: [{ listingId: NASI, quantity: 1_428 }], shippingRupiah: 20_000 }))
          .decided()[0]!.data,
      ).toMatchObject({ totalRupiah: 50_000_000 });
      given(orderDecider, [])
        .when(placeOrder({ lines: [{ listingId: NASI, quantity: 1_428 }], shippingRupiah: 20_001 }))
        .thenRefuses({ kind: 'business_rule', code: 'ORDER_TOTAL_OVER_MAX' });
    });

    it("refuses another OPD's card (to a buyer as a missing card, to an admin by name), and a card that does not exist", () => {
      given(orderDecider, [])
        .when(placeOrder({ card: { cardId: CARD, status: 'active', opdCode: '3673-DISDIK' } }))
        .thenRefuses({ kind: 'not_found', code: 'CARD_NOT_FOUND', details: { cardId: CARD } });
      given(orderDecider, [])
        .when(placeOrder({ by: admin, card: { cardId: CARD, status: 'active', opdCode: '3673-DISDIK' } }))
        .thenRefuses({ kind: 'business_rule', code: 'CARD_OF_ANOTHER_OPD' });
      given(orderDecider, [])
        .when(placeOrder({ card: { cardId: CARD, status: 'absent' } }))
        .thenRefuses({ kind: 'not_found', code: 'CARD_NOT_FOUND' });
    });

    describe('split purchases (policy splitPurchaseAction)', () => {
      // 1,428 boxes at Rp 35,000 + Rp 20,000 shipping: exactly Rp 50,000,000, the maximum.
      const fullOrder = { lines: [{ listingId: NASI, quantity: 1_428 }], shippingRupiah: 20_000 };
      const earlier = { orderId: '0a000000-0000-4000-8000-000000000000', totalRupiah: 50_000_000, placedAt: '2026-11-26T02:59:42.000Z', position: 7 };
      const refusing: PolicyVersion = { ...policy, splitPurchaseAction: 'refuse' };

      it("under 'refuse', refuses the order that would complete a split purchase (422), naming the rule, the window, the earlier orders and the policy revision", () => {
        given(orderDecider, [])
          .when(placeOrder({ ...fullOrder, policy: refusing, recentOrders: [earlier] }))
          .thenRefuses({
            kind: 'business_rule',
            code: 'SPLIT_PURCHASE',
            details: {
              rule: 'split-purchase',
              orderId: ORDER,
              opdCode: OPD,
              vendorId: VENDOR,
              totalRupiah: 50_000_000,
              sumRupiah: 100_000_000,
              maxOrderTotalRupiah: 50_000_000,
              splitWindowDays: 30,
              windowFrom: '2026-10-27T03:00:00.000Z',
              earlierOrders: [{ orderId: earlier.orderId, totalRupiah: 50_000_000, placedAt: earlier.placedAt }],
              policyRevision: 3,
            },
          });
      });

      it("under 'refuse', places an order whose sum with the window stays within the maximum, or whose earlier orders are outside the window", () => {
        const small = { ...earlier, totalRupiah: 45_000_000 };
        expect(
          given(orderDecider, [])
            .when(placeOrder({ policy: refusing, recentOrders: [small] }))
            .decided()[0]!.type,
        ).toBe('OrderPlaced');
        const old = { ...earlier, placedAt: '2026-10-26T03:00:00.000Z' };
        expect(
          given(orderDecider, [])
            .when(placeOrder({ ...fullOrder, policy: refusing, recentOrders: [old] }))
            .decided()[0]!.type,
        ).toBe('OrderPlaced');
      });

      it("under 'flag' (the default), places it: the red-flags read model raises the flag", () => {
        expect(
          given(orderDecider, [])
            .when(placeOrder({ ...fullOrder, recentOrders: [earlier] }))
            .decided()[0]!.type,
        ).toBe('OrderPlaced');
      });
    });

    it('refuses a buyer ordering for another OPD', () => {
      given(orderDecider, [])
        .when(placeOrder({ by: otherBuyer }))
        .thenRefuses({ kind: 'forbidden', code: 'OUT_OF_SCOPE' });
    });

    it('refuses an unverified or suspended vendor, a delisted or unknown listing, and listings of two vendors', () => {
      given(orderDecider, [])
        .when(placeOrder({ vendor: { vendorId: VENDOR, status: 'suspended', scale: 'mikro' } }))
        .thenRefuses({ kind: 'business_rule', code: 'VENDOR_NOT_SELLING' });
      given(orderDecider, [])
        .when(placeOrder({ vendor: { vendorId: VENDOR, status: 'pending', scale: 'mikro' } }))
        .thenRefuses({ kind: 'business_rule', code: 'VENDOR_NOT_SELLING' });
      given(orderDecider, [])
        .when(placeOrder({ vendor: { vendorId: VENDOR, status: 'absent' } }))
        .thenRefuses({ kind: 'not_found', code: 'VENDOR_NOT_FOUND' });
      given(orderDecider, [])
        .when(placeOrder({ listings: [listing(NASI, 35_000), listing(SNACK, 12_000, { status: 'delisted' })] }))
        .thenRefuses({ kind: 'business_rule', code: 'LISTING_DELISTED' });
      given(orderDecider, [])
        .when(placeOrder({ listings: [listing(NASI, 35_000), { listingId: SNACK, status: 'absent' }] }))
        .thenRefuses({ kind: 'not_found', code: 'LISTING_NOT_FOUND' });
      given(orderDecider, [])
        .when(placeOrder({ listings: [listing(NASI, 35_000), listing(SNACK, 12_000, { vendorId: OTHER_VENDOR })] }))
        .thenRefuses({ kind: 'business_rule', code: 'ORDER_MIXES_VENDORS' });
    });

    it('refuses no lines, a listing twice, a bad quantity, negative shipping; and a second placement', () => {
      given(orderDecider, [])
        .when(placeOrder({ lines: [] }))
        .thenRefuses({ kind: 'validation', code: 'INVALID_ORDER' });
      given(orderDecider, [])
        .when(
          placeOrder({
            lines: [
              { listingId: NASI, quantity: 1 },
              { listingId: NASI, quantity: 2 },
            ],
          }),
        )
        .thenRefuses({ kind: 'validation', code: 'INVALID_ORDER' });
      given(orderDecider, [])
        .when(placeOrder({ lines: [{ listingId: NASI, quantity: 0 }] }))
        .thenRefuses({ kind: 'validation', code: 'INVALID_ORDER' });
      given(orderDecider, [])
        .when(placeOrder({ lines: [{ listingId: NASI, quantity: 1.5 }] }))
        .thenRefuses({ kind: 'validation', code: 'INVALID_ORDER' });
      given(orderDecider, [])
        .when(placeOrder({ shippingRupiah: -1 }))
        .thenRefuses({ kind: 'validation', code: 'INVALID_ORDER' });
      given(orderDecider, [placed]).when(placeOrder()).thenRefuses({ kind: 'conflict', code: 'ORDER_EXISTS' });
    });

    it("credits the order to the OPD's registered kabupaten/kota, and refuses an OPD nobody registered", () => {
      const provincial: OpdSnapshot = {
        status: 'registered',
        opdCode: '36-DINKES',
        name: 'Dinas Kesehatan Provinsi Banten',
        kabupatenKotaCode: '3673',
        pemdaCode: '36',
        pemdaLevel: 'provinsi',
      };
      const asProvince = given(orderDecider, [])
        .when(placeOrder({ opdCode: '36-DINKES', by: admin, opd: provincial, card: { cardId: CARD, status: 'active', opdCode: '36-DINKES' } }))
        .decided();
      expect(asProvince[0]!.data).toMatchObject({ buyer: { opdCode: '36-DINKES', opdName: 'Dinas Kesehatan Provinsi Banten', kabupatenKotaCode: '3673' } });
      const pandeglang: OpdSnapshot = { ...dinkes, opdCode: OPD, kabupatenKotaCode: '3601' };
      expect(
        given(orderDecider, [])
          .when(placeOrder({ opd: pandeglang }))
          .decided()[0]!.data,
      ).toMatchObject({ buyer: { kabupatenKotaCode: '3601' } });
      given(orderDecider, [])
        .when(placeOrder({ opd: { opdCode: OPD, status: 'absent' } }))
        .thenRefuses({ kind: 'business_rule', code: 'OPD_NOT_REGISTERED', details: { opdCode: OPD } });
    });

    it("refuses an official's name with control or bidi characters", () => {
      for (const officialName of ['Budi\u0000', 'Budi\u0007', 'Budi \u202e', 'Budi \ud800', '  ', 'x'.repeat(201)]) {
        given(orderDecider, []).when(placeOrder({ officialName })).thenRefuses({ kind: 'validation', code: 'INVALID_TEXT' });
      }
      expect(
        given(orderDecider, [])
          .when(placeOrder({ officialName: '  Budi 😀'.padEnd(200, '.') }))
          .decided(),
      ).toHaveLength(1);
    });

    it('refuses control characters in reasons, notes and BAST numbers', () => {
      given(orderDecider, [placed, authorised])
        .when({ type: 'RejectOrder', by: vendor, reason: 'habis\u0000' })
        .thenRefuses({ kind: 'validation', code: 'INVALID_TEXT' });
      given(orderDecider, [placed, authorised])
        .when({ type: 'CancelOrder', by: buyer, reason: 'bat\u2028al' })
        .thenRefuses({ kind: 'validation', code: 'INVALID_TEXT' });
      given(orderDecider, [placed, authorised, accepted])
        .when({ type: 'ShipOrder', by: vendor, note: 'bell\u0007' })
        .thenRefuses({ kind: 'validation', code: 'INVALID_TEXT' });
      given(orderDecider, [placed, authorised, accepted, shipped])
        .when(receive({ bastNumber: 'BAST\u0000' }))
        .thenRefuses({ kind: 'validation', code: 'INVALID_TEXT' });
      given(orderDecider, [placed, authorised])
        .when({ type: 'RejectOrder', by: vendor, reason: 'baris satu\nbaris dua' })
        .then([{ type: 'OrderRejected', data: { orderId: ORDER, vendorId: VENDOR, reason: 'baris satu\nbaris dua' } }]);
    });
  });

  describe('authorisation outcome (from the process manager)', () => {
    it('records an approval or a decline on a placed order', () => {
      given(orderDecider, [placed])
        .when({ type: 'RecordAuthorisationApproved', amountRupiah: 4_250_000, holdExpiresAt: HOLD_EXPIRES, policyRevision: 3 })
        .then([authorised]);
      given(orderDecider, [placed])
        .when({ type: 'RecordAuthorisationDeclined', reason: 'INSUFFICIENT_AVAILABLE', policyRevision: 3 })
        .then([{ type: 'OrderDeclined', data: { orderId: ORDER, cardId: CARD, reason: 'INSUFFICIENT_AVAILABLE', policyRevision: 3 } }]);
    });

    it('writes nothing when the order moved on (cancelled first, or a replay)', () => {
      given(orderDecider, [placed, cancelled])
        .when({ type: 'RecordAuthorisationApproved', amountRupiah: 1, holdExpiresAt: HOLD_EXPIRES, policyRevision: 3 })
        .thenNothing();
      given(orderDecider, [placed, authorised]).when({ type: 'RecordAuthorisationDeclined', reason: 'x', policyRevision: 3 }).thenNothing();
    });
  });

  describe('vendor actions', () => {
    it('accepts, rejects and ships its own authorised order', () => {
      given(orderDecider, [placed, authorised]).when({ type: 'AcceptOrder', by: vendor, vendorStatus: 'verified' }).then([accepted]);
      given(orderDecider, [placed, authorised])
        .when({ type: 'RejectOrder', by: vendor, reason: 'stok habis' })
        .then([{ type: 'OrderRejected', data: { orderId: ORDER, vendorId: VENDOR, reason: 'stok habis' } }]);
      given(orderDecider, [placed, authorised, accepted])
        .when({ type: 'ShipOrder', by: vendor, note: 'kurir 10:00' })
        .then([{ type: 'OrderShipped', data: { orderId: ORDER, vendorId: VENDOR, note: 'kurir 10:00' } }]);
    });

    it('refuses another vendor, a buyer, and out-of-order steps', () => {
      // Another vendor may not see the order: it is told the order does not exist (404, as a missing one).
      given(orderDecider, [placed, authorised])
        .when({ type: 'AcceptOrder', by: otherVendor, vendorStatus: 'verified' })
        .thenRefuses({ kind: 'not_found', code: 'ORDER_NOT_FOUND' });
      given(orderDecider, [placed, authorised])
        .when({ type: 'AcceptOrder', by: buyer, vendorStatus: 'verified' })
        .thenRefuses({ kind: 'forbidden', code: 'NOT_ORDER_VENDOR' });
      given(orderDecider, [placed])
        .when({ type: 'AcceptOrder', by: vendor, vendorStatus: 'verified' })
        .thenRefuses({ kind: 'business_rule', code: 'ORDER_INVALID_TRANSITION', details: { status: 'placed' } });
      given(orderDecider, [placed, authorised])
        .when({ type: 'ShipOrder', by: vendor })
        .thenRefuses({ kind: 'business_rule', code: 'ORDER_INVALID_TRANSITION' });
      given(orderDecider, [placed, authorised, accepted])
        .when({ type: 'RejectOrder', by: vendor, reason: 'x' })
        .thenRefuses({ kind: 'business_rule', code: 'ORDER_INVALID_TRANSITION' });
      given(orderDecider, [placed, authorised, cancelled])
        .when({ type: 'AcceptOrder', by: vendor, vendorStatus: 'verified' })
        .thenRefuses({ kind: 'business_rule', code: 'ORDER_INVALID_TRANSITION', details: { status: 'cancelled' } });
    });

    it('refuses an accept while the vendor is suspended (or otherwise not verified); shipping an accepted order stays allowed', () => {
      for (const vendorStatus of ['suspended', 'rejected', 'pending'] as const) {
        given(orderDecider, [placed, authorised])
          .when({ type: 'AcceptOrder', by: vendor, vendorStatus })
          .thenRefuses({ kind: 'business_rule', code: 'VENDOR_NOT_SELLING', details: { vendorStatus, vendorId: VENDOR } });
      }
      expect(given(orderDecider, [placed, authorised, accepted]).when({ type: 'ShipOrder', by: vendor }).decided()).toHaveLength(1);
    });
  });

  describe('CancelOrderOfSuspendedVendor (the vendor-suspension process manager)', () => {
    const system: Actor = { id: 'process:vendor-suspension', role: 'system' };
    const cancel = { type: 'CancelOrderOfSuspendedVendor', by: system, vendorId: VENDOR, suspensionReason: 'izin usaha dicabut' } as const;

    it('cancels an order not yet accepted, naming the suspension', () => {
      const reason = 'vendor suspended: izin usaha dicabut';
      given(orderDecider, [placed])
        .when(cancel)
        .then([{ type: 'OrderCancelled', data: { orderId: ORDER, reason } }]);
      given(orderDecider, [placed, authorised])
        .when(cancel)
        .then([{ type: 'OrderCancelled', data: { orderId: ORDER, reason } }]);
    });

    it("leaves accepted, shipped and closed orders alone, and another vendor's order", () => {
      given(orderDecider, [placed, authorised, accepted]).when(cancel).thenNothing();
      given(orderDecider, [placed, authorised, accepted, shipped]).when(cancel).thenNothing();
      given(orderDecider, [placed, authorised, cancelled]).when(cancel).thenNothing();
      given(orderDecider, [placed, authorised])
        .when({ ...cancel, vendorId: OTHER_VENDOR })
        .thenNothing();
    });

    it("is the process manager's alone", () => {
      given(orderDecider, [placed, authorised])
        .when({ ...cancel, by: admin })
        .thenRefuses({ kind: 'forbidden', code: 'OUT_OF_SCOPE' });
      given(orderDecider, [placed, authorised])
        .when({ ...cancel, by: buyer })
        .thenRefuses({ kind: 'forbidden', code: 'OUT_OF_SCOPE' });
    });
  });

  describe('ReceiveOrder (BAST)', () => {
    it('records the BAST on a shipped order, by its buyer or an admin', () => {
      given(orderDecider, [placed, authorised, accepted, shipped]).when(receive()).then([received]);
      given(orderDecider, [placed, authorised, accepted, shipped])
        .when(receive({ by: admin }))
        .then([received]);
    });

    it('refuses another OPD, an order not shipped, a BAST dated after today (WIB), and a bad date', () => {
      given(orderDecider, [placed, authorised, accepted, shipped])
        .when(receive({ by: otherBuyer }))
        .thenRefuses({ kind: 'not_found', code: 'ORDER_NOT_FOUND' });
      given(orderDecider, [placed, authorised, accepted]).when(receive()).thenRefuses({ kind: 'business_rule', code: 'ORDER_INVALID_TRANSITION' });
      // 2026-11-28T17:30Z is already 2026-11-29 in WIB.
      given(orderDecider, [placed, authorised, accepted, shipped])
        .when(receive({ bastDate: '2026-11-29', at: new Date('2026-11-28T17:30:00Z') }))
        .then([{ ...received, data: { ...received.data, bastDate: '2026-11-29' } } as OrderEvent]);
      given(orderDecider, [placed, authorised, accepted, shipped])
        .when(receive({ bastDate: '2026-11-29' }))
        .thenRefuses({ kind: 'business_rule', code: 'BAST_DATE_IN_FUTURE' });
      given(orderDecider, [placed, authorised, accepted, shipped])
        .when(receive({ bastDate: '28-11-2026' }))
        .thenRefuses({ kind: 'validation', code: 'INVALID_BAST' });
      given(orderDecider, [placed, authorised, accepted, shipped])
        .when(receive({ bastNumber: ' ' }))
        .thenRefuses({ kind: 'validation', code: 'INVALID_TEXT' });
    });

    it('refuses a BAST dated before the order was placed (WIB), takes one dated the day it was placed, and takes any past date for an order recorded without placedAt', () => {
      const shippedHistory = [placed, authorised, accepted, shipped];
      given(orderDecider, shippedHistory)
        .when(receive({ bastDate: '2026-11-25' }))
        .thenRefuses({ kind: 'business_rule', code: 'BAST_BEFORE_ORDER', details: { bastDate: '2026-11-25', placedOn: '2026-11-26' } });
      given(orderDecider, shippedHistory)
        .when(receive({ bastDate: '2000-01-01' }))
        .thenRefuses({ kind: 'business_rule', code: 'BAST_BEFORE_ORDER' });
      given(orderDecider, shippedHistory)
        .when(receive({ bastDate: '2026-11-26' }))
        .then([{ ...received, data: { ...received.data, bastDate: '2026-11-26' } } as OrderEvent]);
      // 2026-11-25T17:30Z is already 26 November in WIB: placed on the 26th.
      const lateEvening = { ...placed, data: { ...placed.data, placedAt: '2026-11-25T17:30:00.000Z' } } as OrderEvent;
      given(orderDecider, [lateEvening, authorised, accepted, shipped])
        .when(receive({ bastDate: '2026-11-25' }))
        .thenRefuses({ kind: 'business_rule', code: 'BAST_BEFORE_ORDER' });
      const { placedAt: _placedAt, ...legacyData } = (placed as Extract<OrderEvent, { type: 'OrderPlaced' }>).data;
      const legacy = { type: 'OrderPlaced', data: legacyData } as OrderEvent;
      given(orderDecider, [legacy, authorised, accepted, shipped])
        .when(receive({ bastDate: '2000-01-01' }))
        .then([{ ...received, data: { ...received.data, bastDate: '2000-01-01' } } as OrderEvent]);
    });
  });

  describe('CancelOrder', () => {
    it('lets the buyer cancel until shipped', () => {
      for (const history of [[placed], [placed, authorised], [placed, authorised, accepted]]) {
        given(orderDecider, history).when({ type: 'CancelOrder', by: buyer, reason: 'acara dibatalkan' }).then([cancelled]);
      }
    });

    it('refuses after shipping, twice, and by another OPD or the vendor', () => {
      given(orderDecider, [placed, authorised, accepted, shipped])
        .when({ type: 'CancelOrder', by: buyer, reason: 'x' })
        .thenRefuses({ kind: 'business_rule', code: 'ORDER_INVALID_TRANSITION' });
      given(orderDecider, [placed, cancelled])
        .when({ type: 'CancelOrder', by: buyer, reason: 'x' })
        .thenRefuses({ kind: 'business_rule', code: 'ORDER_INVALID_TRANSITION' });
      given(orderDecider, [placed]).when({ type: 'CancelOrder', by: otherBuyer, reason: 'x' }).thenRefuses({ kind: 'not_found', code: 'ORDER_NOT_FOUND' });
      given(orderDecider, [placed]).when({ type: 'CancelOrder', by: vendor, reason: 'x' }).thenRefuses({ kind: 'forbidden', code: 'OUT_OF_SCOPE' });
    });
  });

  describe('RecordPayment (after the capture)', () => {
    it('marks a received order paid; a repeat writes nothing', () => {
      given(orderDecider, [placed, authorised, accepted, shipped, received])
        .when({ type: 'RecordPayment', amountRupiah: 4_250_000, policyRevision: 3 })
        .then([paid]);
      given(orderDecider, [placed, authorised, accepted, shipped, received, paid])
        .when({ type: 'RecordPayment', amountRupiah: 4_250_000, policyRevision: 3 })
        .thenNothing();
    });

    it('refuses payment before receipt', () => {
      given(orderDecider, [placed, authorised, accepted, shipped])
        .when({ type: 'RecordPayment', amountRupiah: 4_250_000, policyRevision: 3 })
        .thenRefuses({ kind: 'business_rule', code: 'ORDER_INVALID_TRANSITION' });
    });
  });

  describe('ExpireOrderHold (the sweep)', () => {
    const expireAt = (at: string): OrderCommand => ({ type: 'ExpireOrderHold', at: new Date(at) });

    it("closes an authorised, accepted or shipped order once the hold's TTL passed", () => {
      for (const history of [
        [placed, authorised],
        [placed, authorised, accepted],
        [placed, authorised, accepted, shipped],
      ]) {
        given(orderDecider, history)
          .when(expireAt(HOLD_EXPIRES))
          .then([{ type: 'OrderHoldExpired', data: { orderId: ORDER, cardId: CARD, holdExpiresAt: HOLD_EXPIRES } }]);
      }
    });

    it('refuses before the TTL, and writes nothing once received (the receipt won) or closed', () => {
      given(orderDecider, [placed, authorised]).when(expireAt('2026-12-26T02:59:59Z')).thenRefuses({ kind: 'business_rule', code: 'HOLD_NOT_YET_EXPIRED' });
      given(orderDecider, [placed, authorised, accepted, shipped, received]).when(expireAt('2027-01-01T00:00:00Z')).thenNothing();
      given(orderDecider, [placed, authorised, cancelled]).when(expireAt('2027-01-01T00:00:00Z')).thenNothing();
      const expired = given(orderDecider, [placed, authorised]).when(expireAt(HOLD_EXPIRES)).decided();
      given(orderDecider, [placed, authorised, ...expired])
        .when(receive())
        .thenRefuses({ kind: 'business_rule', code: 'ORDER_INVALID_TRANSITION', details: { status: 'expired' } });
    });
  });

  describe('RecordPaymentFailure (a payment step the process manager issued was refused)', () => {
    const capture = {
      type: 'RecordPaymentFailure',
      step: 'capture',
      code: 'HOLD_ALREADY_ENDED',
      reason: 'cannot capture: the hold already ended (voided)',
    } as const;
    const failed: OrderEvent = {
      type: 'OrderPaymentFailed',
      data: { orderId: ORDER, cardId: CARD, step: 'capture', code: 'HOLD_ALREADY_ENDED', reason: 'cannot capture: the hold already ended (voided)' },
    };

    it('records the refusal on a received order, keeping its status; the order remembers it until paid', () => {
      given(orderDecider, [placed, authorised, accepted, shipped, received]).when(capture).then([failed]);
      const state = fold(orderDecider, [placed, authorised, accepted, shipped, received, failed]);
      expect(state).toMatchObject({ status: 'received', paymentFailure: { step: 'capture', code: 'HOLD_ALREADY_ENDED' } });
      const afterPaid = fold(orderDecider, [placed, authorised, accepted, shipped, received, failed, paid]);
      expect(afterPaid.status).toBe('paid');
      expect(afterPaid).not.toHaveProperty('paymentFailure');
    });

    it('records a refused authorisation on a placed order, with the policy revision when the refusal named one', () => {
      given(orderDecider, [placed])
        .when({ type: 'RecordPaymentFailure', step: 'authorise', code: 'CARD_NOT_FOUND', reason: 'no such card', policyRevision: 3 })
        .then([
          {
            type: 'OrderPaymentFailed',
            data: { orderId: ORDER, cardId: CARD, step: 'authorise', code: 'CARD_NOT_FOUND', reason: 'no such card', policyRevision: 3 },
          },
        ]);
    });

    it('changes no other rule: a failed order may still be cancelled and received as before', () => {
      given(orderDecider, [placed, authorised, { ...failed, data: { ...failed.data, step: 'record-authorisation' } }])
        .when({ type: 'CancelOrder', by: buyer, reason: 'tidak jadi' })
        .then([{ type: 'OrderCancelled', data: { orderId: ORDER, reason: 'tidak jadi' } }]);
    });

    it('refuses an unknown step, a code that is not an error code, an empty reason', () => {
      given(orderDecider, [placed])
        .when({ ...capture, step: 'refund' as 'capture' })
        .thenRefuses({ kind: 'validation', code: 'INVALID_PAYMENT_FAILURE' });
      given(orderDecider, [placed])
        .when({ ...capture, code: 'no such hold' })
        .thenRefuses({ kind: 'validation', code: 'INVALID_PAYMENT_FAILURE' });
      given(orderDecider, [placed])
        .when({ ...capture, reason: '  ' })
        .thenRefuses({ kind: 'validation', code: 'INVALID_TEXT' });
    });

    it('refuses it on an order never placed', () => {
      given(orderDecider, []).when(capture).thenRefuses({ kind: 'not_found', code: 'ORDER_NOT_FOUND' });
    });
  });

  it('refuses any command on an order never placed', () => {
    given(orderDecider, []).when({ type: 'AcceptOrder', by: vendor, vendorStatus: 'verified' }).thenRefuses({ kind: 'not_found', code: 'ORDER_NOT_FOUND' });
  });
});
