import { cardDecider, cardStreamId } from '../../cards/domain/card.decider.js';
import { cardView } from '../../cards/http/card.view.js';
import { listingDecider, listingStreamId } from '../../catalog/domain/listing.decider.js';
import { listingView } from '../../catalog/http/listing.view.js';
import type { EventStore, RecordedEvent } from '../../event-store/event-store.port.js';
import { readWholeStream } from '../../event-store/read-whole-stream.js';
import type { Actor } from '../../kernel/actor.js';
import { orderDecider, orderStreamId } from '../../orders/domain/order.decider.js';
import { orderView } from '../../orders/http/order.view.js';
import { vendorDecider, vendorStreamId } from '../../vendors/domain/vendor.decider.js';
import { vendorView } from '../../vendors/http/vendor.view.js';
import type { AsOfPoint } from './as-of-point.js';
import { foldAsOf } from './fold-as-of.js';

export const AS_OF_KINDS = ['card', 'order', 'vendor', 'listing'] as const;
export type AsOfKind = (typeof AS_OF_KINDS)[number];

/** The aggregate's view at the point (the live GET endpoint's view), or absent when it had no event yet. */
export type AsOfView =
  { readonly exists: true; readonly view: Record<string, unknown>; readonly revision: bigint; readonly lastEvent: RecordedEvent } | { readonly exists: false };

interface AsOfAggregate {
  readonly streamIdOf: (id: string) => string;
  /** The live endpoint's 404 code, for an id that has no stream at all. */
  readonly notFoundCode: string;
  /** `store` reads other aggregates' facts at the same point (a listing shows whether its vendor was selling). */
  readonly viewAt: (stream: readonly RecordedEvent[], point: AsOfPoint, reader: Actor, store: EventStore) => AsOfView | Promise<AsOfView>;
}

function present(view: Record<string, unknown>, events: readonly RecordedEvent[], revision: bigint): AsOfView {
  return { exists: true, view, revision, lastEvent: events[events.length - 1]! };
}

/** Each kind folds with its own decider and shows itself the way its live GET endpoint does to an auditor. */
export const AS_OF_AGGREGATES: Readonly<Record<AsOfKind, AsOfAggregate>> = {
  card: {
    streamIdOf: cardStreamId,
    notFoundCode: 'CARD_NOT_FOUND',
    viewAt: (stream, point) => {
      const { state, events, revision } = foldAsOf(cardDecider, stream, point);
      return state.status === 'absent' ? { exists: false } : present(cardView(state, revision), events, revision);
    },
  },
  order: {
    streamIdOf: orderStreamId,
    notFoundCode: 'ORDER_NOT_FOUND',
    viewAt: (stream, point) => {
      const { state, events, revision } = foldAsOf(orderDecider, stream, point);
      return state.status === 'absent' ? { exists: false } : present(orderView(state, revision), events, revision);
    },
  },
  vendor: {
    streamIdOf: vendorStreamId,
    notFoundCode: 'VENDOR_NOT_FOUND',
    viewAt: (stream, point, reader) => {
      const { state, events, revision } = foldAsOf(vendorDecider, stream, point);
      return state.status === 'absent' ? { exists: false } : present(vendorView(state, revision, reader), events, revision);
    },
  },
  listing: {
    streamIdOf: listingStreamId,
    notFoundCode: 'LISTING_NOT_FOUND',
    viewAt: async (stream, point, _reader, store) => {
      const { state, events, revision } = foldAsOf(listingDecider, stream, point);
      if (state.status === 'absent') return { exists: false };
      const vendor = foldAsOf(vendorDecider, await readWholeStream(store, vendorStreamId(state.vendorId)), point).state;
      return present(listingView(state, events, vendor.status), events, revision);
    },
  },
};
