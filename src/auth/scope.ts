import type { Actor } from '../kernel/actor.js';
import { DomainError, forbidden } from '../kernel/errors.js';

/** The authenticated actor, or 401 (for routes that are public but act differently for a key). */
export function requireActor(actor: Actor | undefined): Actor {
  if (!actor) throw new DomainError('unauthenticated', 'UNAUTHENTICATED', 'an API key is required');
  return actor;
}

/** Admins act for any vendor; a vendor key only for its own vendor. */
export function assertVendorScope(actor: Actor, vendorId: string): void {
  if (actor.role === 'admin' || actor.role === 'system') return;
  if (actor.role === 'vendor' && actor.vendorId === vendorId) return;
  throw forbidden('OUT_OF_SCOPE', `this key may not act for vendor ${vendorId}`, { vendorId });
}
