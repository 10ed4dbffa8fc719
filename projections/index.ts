import { catalogProjection } from './catalog/catalog.projection.js';
import type { Projection } from './projection.js';
import { vendorsProjection } from './vendors/vendors.projection.js';

/** Every read model, in the order the admin status lists them. */
export const ALL_PROJECTIONS: readonly Projection[] = [vendorsProjection, catalogProjection];
