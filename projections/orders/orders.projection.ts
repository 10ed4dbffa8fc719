import type { CardEvent } from '../../src/cards/domain/card.events.js';
import { assertNever } from '../../src/kernel/assert.js';
import type { OrderEvent } from '../../src/orders/domain/order.events.js';
import { Projection, ProjectedEvent, Row, RowChange, bit, eventOf } from '../projection.js';

/**
 * Orders: one row per order with its state and the time of each step, its lines, and its
 * timeline (every order event, and every card event about the order's hold).
 */
export const ORDERS_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS order_summaries (
  order_id                  TEXT PRIMARY KEY,
  status                    TEXT NOT NULL,
  opd_code                  TEXT NOT NULL,
  opd_name                  TEXT NOT NULL,
  buyer_kabupaten_kota_code TEXT NOT NULL,
  official_name             TEXT NOT NULL,
  vendor_id                 TEXT NOT NULL,
  vendor_scale              TEXT NOT NULL,
  card_id                   TEXT NOT NULL,
  line_count                INTEGER NOT NULL,
  categories                TEXT NOT NULL,
  items_rupiah              INTEGER NOT NULL,
  shipping_rupiah           INTEGER NOT NULL,
  total_rupiah              INTEGER NOT NULL,
  held_rupiah               INTEGER NOT NULL,
  paid_rupiah               INTEGER NOT NULL,
  domestic_umk_purchase     INTEGER NOT NULL,
  bast_number               TEXT,
  bast_date                 TEXT,
  status_reason             TEXT,
  hold_expires_at           TEXT,
  placed_at                 TEXT NOT NULL,
  authorised_at             TEXT,
  accepted_at               TEXT,
  shipped_at                TEXT,
  received_at               TEXT,
  paid_at                   TEXT,
  closed_at                 TEXT,
  updated_at                TEXT NOT NULL,
  revision                  INTEGER NOT NULL,
  policy_revision           INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS order_summaries_by_status ON order_summaries (status, placed_at);
CREATE INDEX IF NOT EXISTS order_summaries_by_opd ON order_summaries (opd_code, placed_at);
CREATE INDEX IF NOT EXISTS order_summaries_by_vendor ON order_summaries (vendor_id, placed_at);
CREATE INDEX IF NOT EXISTS order_summaries_by_placed ON order_summaries (placed_at, order_id);
CREATE TABLE IF NOT EXISTS order_lines (
  order_id            TEXT NOT NULL,
  line_no             INTEGER NOT NULL,
  listing_id          TEXT NOT NULL,
  listing_revision    INTEGER NOT NULL,
  title               TEXT NOT NULL,
  category            TEXT NOT NULL,
  unit                TEXT NOT NULL,
  quantity            INTEGER NOT NULL,
  unit_price_rupiah   INTEGER NOT NULL,
  line_total_rupiah   INTEGER NOT NULL,
  is_domestic_product INTEGER NOT NULL,
  PRIMARY KEY (order_id, line_no)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS order_timeline (
  position    INTEGER PRIMARY KEY,
  order_id    TEXT NOT NULL,
  stream_id   TEXT NOT NULL,
  revision    INTEGER NOT NULL,
  event_type  TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  actor_id    TEXT NOT NULL,
  actor_role  TEXT NOT NULL,
  detail      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS order_timeline_by_order ON order_timeline (order_id, position);
`;

const SUMMARIES = 'order_summaries';
const LINES = 'order_lines';
const TIMELINE = 'order_timeline';

type HoldEvent = Extract<CardEvent, { data: { orderId: string } }>;
type OrdersEvent = OrderEvent | HoldEvent;

const ORDER_EVENT_TYPES: readonly OrderEvent['type'][] = [
  'OrderPlaced',
  'OrderAuthorised',
  'OrderDeclined',
  'OrderAccepted',
  'OrderRejected',
  'OrderShipped',
  'OrderReceived',
  'OrderPaid',
  'OrderCancelled',
  'OrderHoldExpired',
  'OrderPaymentFailed',
];
const HOLD_EVENT_TYPES: readonly HoldEvent['type'][] = [
  'AuthorisationApproved',
  'AuthorisationDeclined',
  'AuthorisationCaptured',
  'AuthorisationVoided',
  'AuthorisationExpired',
];

export const ordersProjection: Projection = {
  name: 'orders',
  // 2: the timeline keyed by position (one row per event, appended in $all order), found by order through an index.
  version: 2,
  description: 'Orders: state and step times, lines, and a timeline of order and card-hold events',
  eventTypes: [...ORDER_EVENT_TYPES, ...HOLD_EVENT_TYPES],
  tables: [
    { name: SUMMARIES, primaryKey: ['order_id'] },
    { name: LINES, primaryKey: ['order_id', 'line_no'] },
    { name: TIMELINE, primaryKey: ['position'] },
  ],
  schemaSql: ORDERS_SCHEMA_SQL,
  project: (recorded) => {
    const event = eventOf<OrdersEvent>(recorded);
    return [...summaryChanges(event), timelineRow(event)];
  },
};

function summaryChanges(event: ProjectedEvent & OrdersEvent): RowChange[] {
  const at = event.metadata.occurredAt;
  const key = { order_id: event.data.orderId };
  const step = (set: Row): RowChange[] => [{ op: 'update', table: SUMMARIES, key, set: { ...set, updated_at: at, revision: event.revision } }];
  switch (event.type) {
    case 'OrderPlaced': {
      const data = event.data;
      const itemsRupiah = data.lines.reduce((sum, line) => sum + line.lineTotalRupiah, 0);
      const categories = [...new Set(data.lines.map((line) => line.category))].sort().join(',');
      return [
        {
          op: 'insert',
          table: SUMMARIES,
          values: {
            order_id: data.orderId,
            status: 'placed',
            opd_code: data.buyer.opdCode,
            opd_name: data.buyer.opdName,
            buyer_kabupaten_kota_code: data.buyer.kabupatenKotaCode,
            official_name: data.buyer.officialName,
            vendor_id: data.vendorId,
            vendor_scale: data.vendorScale,
            card_id: data.cardId,
            line_count: data.lines.length,
            categories,
            items_rupiah: itemsRupiah,
            shipping_rupiah: data.shippingRupiah,
            total_rupiah: data.totalRupiah,
            held_rupiah: 0,
            paid_rupiah: 0,
            domestic_umk_purchase: bit(data.domesticUmkPurchase),
            bast_number: null,
            bast_date: null,
            status_reason: null,
            hold_expires_at: null,
            placed_at: at,
            authorised_at: null,
            accepted_at: null,
            shipped_at: null,
            received_at: null,
            paid_at: null,
            closed_at: null,
            updated_at: at,
            revision: event.revision,
            policy_revision: data.policyRevision,
          },
        },
        ...data.lines.map((line, index): RowChange => ({
          op: 'insert',
          table: LINES,
          values: {
            order_id: data.orderId,
            line_no: index + 1,
            listing_id: line.listingId,
            listing_revision: line.listingRevision,
            title: line.title,
            category: line.category,
            unit: line.unit,
            quantity: line.quantity,
            unit_price_rupiah: line.unitPriceRupiah,
            line_total_rupiah: line.lineTotalRupiah,
            is_domestic_product: bit(line.isDomesticProduct),
          },
        })),
      ];
    }
    case 'OrderAuthorised':
      return step({ status: 'authorised', authorised_at: at, held_rupiah: event.data.amountRupiah, hold_expires_at: event.data.holdExpiresAt });
    case 'OrderDeclined':
      return step({ status: 'declined', status_reason: event.data.reason, closed_at: at });
    case 'OrderAccepted':
      return step({ status: 'accepted', accepted_at: at });
    case 'OrderRejected':
      return step({ status: 'rejected', status_reason: event.data.reason, closed_at: at });
    case 'OrderShipped':
      return step({ status: 'shipped', shipped_at: at });
    case 'OrderReceived':
      return step({ status: 'received', received_at: at, bast_number: event.data.bastNumber, bast_date: event.data.bastDate });
    case 'OrderPaid':
      return step({ status: 'paid', paid_at: at, paid_rupiah: event.data.amountRupiah });
    case 'OrderCancelled':
      return step({ status: 'cancelled', status_reason: event.data.reason, closed_at: at });
    case 'OrderHoldExpired':
      return step({ status: 'expired', status_reason: 'the card hold expired', closed_at: at });
    case 'OrderPaymentFailed':
      // The order's status is unchanged: the refusal is on its timeline.
      return step({});
    case 'AuthorisationApproved':
    case 'AuthorisationDeclined':
    case 'AuthorisationCaptured':
    case 'AuthorisationVoided':
    case 'AuthorisationExpired':
      // Card-side facts: the order's own events carry its state; these join its timeline only.
      return [];
    default:
      return assertNever(event, 'orders event');
  }
}

function timelineRow(event: ProjectedEvent & OrdersEvent): RowChange {
  return {
    op: 'insert',
    table: TIMELINE,
    values: {
      order_id: event.data.orderId,
      position: event.position,
      stream_id: event.streamId,
      revision: event.revision,
      event_type: event.type,
      occurred_at: event.metadata.occurredAt,
      actor_id: event.metadata.actor.id,
      actor_role: event.metadata.actor.role,
      detail: JSON.stringify(timelineDetail(event)),
    },
  };
}

/** What a reader of the timeline needs from each event, beyond its type and time. */
function timelineDetail(event: OrdersEvent): Record<string, unknown> {
  switch (event.type) {
    case 'OrderPlaced':
      return { totalRupiah: event.data.totalRupiah, vendorId: event.data.vendorId, cardId: event.data.cardId, lines: event.data.lines.length };
    case 'OrderAuthorised':
      return { amountRupiah: event.data.amountRupiah, holdExpiresAt: event.data.holdExpiresAt };
    case 'OrderDeclined':
    case 'OrderRejected':
    case 'OrderCancelled':
      return { reason: event.data.reason };
    case 'OrderAccepted':
      return {};
    case 'OrderShipped':
      return { note: event.data.note };
    case 'OrderReceived':
      return { bastNumber: event.data.bastNumber, bastDate: event.data.bastDate };
    case 'OrderPaid':
      return { amountRupiah: event.data.amountRupiah };
    case 'OrderHoldExpired':
      return { holdExpiresAt: event.data.holdExpiresAt };
    case 'OrderPaymentFailed':
      return { step: event.data.step, code: event.data.code, reason: event.data.reason };
    case 'AuthorisationApproved':
      return { cardId: event.data.cardId, amountRupiah: event.data.amountRupiah, expiresAt: event.data.expiresAt };
    case 'AuthorisationDeclined':
      return { cardId: event.data.cardId, amountRupiah: event.data.amountRupiah, reason: event.data.reason };
    case 'AuthorisationCaptured':
      return { cardId: event.data.cardId, amountRupiah: event.data.amountRupiah, heldRupiah: event.data.heldRupiah };
    case 'AuthorisationVoided':
      return { cardId: event.data.cardId, amountRupiah: event.data.amountRupiah, reason: event.data.reason };
    case 'AuthorisationExpired':
      return { cardId: event.data.cardId, amountRupiah: event.data.amountRupiah };
    default:
      return assertNever(event, 'orders event');
  }
}
