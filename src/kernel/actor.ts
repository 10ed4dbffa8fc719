export const ROLES = ['admin', 'auditor', 'vendor', 'buyer', 'system'] as const;
export type Role = (typeof ROLES)[number];

/** Who caused an event. `system` is a process manager acting on an earlier event. */
export interface Actor {
  readonly id: string;
  readonly role: Role;
  readonly vendorId?: string;
  readonly opdCode?: string;
}
