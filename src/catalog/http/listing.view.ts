import type { RecordedEvent } from '../../event-store/event-store.port.js';
import type { ListingEvent } from '../domain/listing.events.js';
import type { ListingState } from '../domain/listing.state.js';
import type { VendorState } from '../../vendors/domain/vendor.state.js';
import type { SchemaObject } from '@nestjs/swagger';
import { REVISION_SCHEMA, objectSchema } from '../../http/openapi/api-responses.js';
import { ROLES, type Actor } from '../../kernel/actor.js';

/**
 * A listing with its whole public price history: every price, when and by whom it was set, and
 * whether it can be ordered now: only an active listing of a verified vendor (a suspended vendor's
 * listings stay active but are not available; ordering one is refused with VENDOR_NOT_SELLING).
 */
export function listingView(
  state: Exclude<ListingState, { status: 'absent' }>,
  events: readonly RecordedEvent[],
  vendorStatus: VendorState['status'],
): Record<string, unknown> {
  const priceHistory = events.flatMap((recorded) => {
    const event = recorded as unknown as ListingEvent & RecordedEvent;
    if (event.type !== 'ListingCreated' && event.type !== 'ListingPriceChanged') return [];
    return [
      {
        priceRupiah: event.data.priceRupiah,
        occurredAt: recorded.metadata.occurredAt,
        actor: { id: recorded.metadata.actor.id, role: recorded.metadata.actor.role },
        revision: recorded.revision.toString(),
      },
    ];
  });
  return {
    listingId: state.listingId,
    vendorId: state.vendorId,
    status: state.status,
    vendorStatus,
    available: state.status === 'active' && vendorStatus === 'verified',
    title: state.title,
    category: state.category,
    unit: state.unit,
    priceRupiah: state.priceRupiah,
    isDomesticProduct: state.isDomesticProduct,
    ...(state.status === 'delisted' ? { delistedReason: state.reason } : {}),
    // The last event's revision, not a count: a stream's first revision need not be 0 (EventStoreDB truncation).
    revision: (events[events.length - 1]?.revision ?? -1n).toString(),
    priceHistory,
  };
}

/** The OpenAPI schema of listingView's answer. */
export const LISTING_VIEW_SCHEMA: SchemaObject = {
  type: 'object',
  required: [
    'listingId',
    'vendorId',
    'status',
    'vendorStatus',
    'available',
    'title',
    'category',
    'unit',
    'priceRupiah',
    'isDomesticProduct',
    'revision',
    'priceHistory',
  ],
  properties: {
    listingId: { type: 'string', format: 'uuid' },
    vendorId: { type: 'string', format: 'uuid' },
    status: { type: 'string', enum: ['active', 'delisted'] },
    vendorStatus: { type: 'string', description: "the vendor's status now" },
    available: { type: 'boolean' },
    title: { type: 'string' },
    category: { type: 'string' },
    unit: { type: 'string' },
    priceRupiah: { type: 'integer', minimum: 1 },
    isDomesticProduct: { type: 'boolean' },
    delistedReason: { type: 'string' },
    revision: REVISION_SCHEMA,
    priceHistory: {
      type: 'array',
      items: {
        type: 'object',
        required: ['priceRupiah', 'occurredAt', 'actor', 'revision'],
        properties: {
          priceRupiah: { type: 'integer' },
          occurredAt: { type: 'string' },
          actor: objectSchema<Pick<Actor, 'id' | 'role'>>(
            { id: { type: 'string' }, role: { type: 'string', enum: [...ROLES] } },
            { description: 'who changed the price' },
          ),
          revision: REVISION_SCHEMA,
        },
      },
    },
  },
};
