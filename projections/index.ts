import { cardsProjection } from './cards/cards.projection.js';
import { catalogProjection } from './catalog/catalog.projection.js';
import { journalProjection } from './journal/journal.projection.js';
import { opdsProjection } from './opds/opds.projection.js';
import { ordersProjection } from './orders/orders.projection.js';
import type { Projection } from './projection.js';
import { redFlagsProjection } from './red-flags/red-flags.projection.js';
import { spendingProjection } from './spending/spending.projection.js';
import { vendorsProjection } from './vendors/vendors.projection.js';

/** Every read model, in the order the admin status lists them. */
export const ALL_PROJECTIONS: readonly Projection[] = [
  vendorsProjection,
  catalogProjection,
  ordersProjection,
  cardsProjection,
  journalProjection,
  spendingProjection,
  redFlagsProjection,
  opdsProjection,
];
