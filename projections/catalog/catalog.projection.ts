import type { ListingEvent } from '../../src/catalog/domain/listing.events.js';
import type { VendorEvent } from '../../src/vendors/domain/vendor.events.js';
import { assertNever } from '../../src/kernel/assert.js';
import { Projection, ProjectedEvent, RowChange, bit, eventOf } from '../projection.js';

/**
 * The catalog: every listing with its current price and status (and its vendor's current name and
 * status, kept in step by vendor events: a suspended vendor's listings stay active but are not
 * selling), and the full public price history, one row per price.
 */
export const CATALOG_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS catalog_listings (
  listing_id          TEXT PRIMARY KEY,
  vendor_id           TEXT NOT NULL,
  vendor_name         TEXT NOT NULL,
  vendor_status       TEXT NOT NULL,
  title               TEXT NOT NULL,
  category            TEXT NOT NULL,
  unit                TEXT NOT NULL,
  price_rupiah        INTEGER NOT NULL,
  is_domestic_product INTEGER NOT NULL,
  status              TEXT NOT NULL,
  delist_reason       TEXT,
  created_at          TEXT NOT NULL,
  price_changed_at    TEXT NOT NULL,
  price_change_count  INTEGER NOT NULL,
  revision            INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS catalog_listings_by_vendor ON catalog_listings (vendor_id, listing_id);
CREATE INDEX IF NOT EXISTS catalog_listings_by_category ON catalog_listings (category, price_rupiah, listing_id);
CREATE TABLE IF NOT EXISTS catalog_price_history (
  listing_id            TEXT NOT NULL,
  position              INTEGER NOT NULL,
  price_rupiah          INTEGER NOT NULL,
  previous_price_rupiah INTEGER,
  effective_at          TEXT NOT NULL,
  changed_by            TEXT NOT NULL,
  revision              INTEGER NOT NULL,
  PRIMARY KEY (listing_id, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS catalog_vendor_names (
  vendor_id TEXT PRIMARY KEY,
  name      TEXT NOT NULL,
  status    TEXT NOT NULL
) WITHOUT ROWID;
`;

const LISTINGS = 'catalog_listings';
const HISTORY = 'catalog_price_history';
const VENDOR_NAMES = 'catalog_vendor_names';

type CatalogEvent = ListingEvent | VendorEvent;

/** The vendor status each vendor event leaves (profile updates leave it as it is). */
const VENDOR_STATUS_AFTER: Readonly<Record<Exclude<VendorEvent['type'], 'VendorRegistered' | 'VendorProfileUpdated'>, string>> = {
  VendorVerified: 'verified',
  VendorRejected: 'rejected',
  VendorSuspended: 'suspended',
  VendorReinstated: 'verified',
};

export const catalogProjection: Projection = {
  name: 'catalog',
  version: 2,
  description: "Catalog: listings with current price and status and their vendor's status; the full price history",
  eventTypes: [
    'ListingCreated',
    'ListingPriceChanged',
    'ListingDelisted',
    'VendorRegistered',
    'VendorVerified',
    'VendorRejected',
    'VendorSuspended',
    'VendorReinstated',
    'VendorProfileUpdated',
  ],
  tables: [
    { name: LISTINGS, primaryKey: ['listing_id'] },
    { name: HISTORY, primaryKey: ['listing_id', 'position'] },
    { name: VENDOR_NAMES, primaryKey: ['vendor_id'] },
  ],
  schemaSql: CATALOG_SCHEMA_SQL,
  project: (recorded, lookup) => {
    const event = eventOf<CatalogEvent>(recorded);
    switch (event.type) {
      case 'VendorRegistered':
        return [{ op: 'upsert', table: VENDOR_NAMES, key: { vendor_id: event.data.vendorId }, values: { name: event.data.name, status: 'pending' } }];
      case 'VendorVerified':
      case 'VendorRejected':
      case 'VendorSuspended':
      case 'VendorReinstated': {
        const status = VENDOR_STATUS_AFTER[event.type];
        return [
          { op: 'update', table: VENDOR_NAMES, key: { vendor_id: event.data.vendorId }, set: { status } },
          { op: 'update', table: LISTINGS, key: { vendor_id: event.data.vendorId }, set: { vendor_status: status } },
        ];
      }
      case 'VendorProfileUpdated':
        return [
          { op: 'update', table: VENDOR_NAMES, key: { vendor_id: event.data.vendorId }, set: { name: event.data.name } },
          { op: 'update', table: LISTINGS, key: { vendor_id: event.data.vendorId }, set: { vendor_name: event.data.name } },
        ];
      case 'ListingCreated': {
        const vendor = lookup.get(VENDOR_NAMES, { vendor_id: event.data.vendorId });
        return [
          {
            op: 'insert',
            table: LISTINGS,
            values: {
              listing_id: event.data.listingId,
              vendor_id: event.data.vendorId,
              vendor_name: vendor?.name ?? '',
              // Only a verified vendor lists (the listing decider checks it).
              vendor_status: vendor?.status ?? 'verified',
              title: event.data.title,
              category: event.data.category,
              unit: event.data.unit,
              price_rupiah: event.data.priceRupiah,
              is_domestic_product: bit(event.data.isDomesticProduct),
              status: 'active',
              delist_reason: null,
              created_at: event.metadata.occurredAt,
              price_changed_at: event.metadata.occurredAt,
              price_change_count: 0,
              revision: event.revision,
            },
          },
          priceRow(event, event.data.priceRupiah, null),
        ];
      }
      case 'ListingPriceChanged':
        return [
          {
            op: 'update',
            table: LISTINGS,
            key: { listing_id: event.data.listingId },
            set: { price_rupiah: event.data.priceRupiah, price_changed_at: event.metadata.occurredAt, revision: event.revision },
            add: { price_change_count: 1 },
          },
          priceRow(event, event.data.priceRupiah, event.data.previousPriceRupiah),
        ];
      case 'ListingDelisted':
        return [
          {
            op: 'update',
            table: LISTINGS,
            key: { listing_id: event.data.listingId },
            set: { status: 'delisted', delist_reason: event.data.reason, revision: event.revision },
          },
        ];
      default:
        return assertNever(event, 'catalog event');
    }
  },
};

function priceRow(event: ProjectedEvent & { data: { listingId: string } }, priceRupiah: number, previous: number | null): RowChange {
  return {
    op: 'insert',
    table: HISTORY,
    values: {
      listing_id: event.data.listingId,
      position: event.position,
      price_rupiah: priceRupiah,
      previous_price_rupiah: previous,
      effective_at: event.metadata.occurredAt,
      changed_by: event.metadata.actor.id,
      revision: event.revision,
    },
  };
}
