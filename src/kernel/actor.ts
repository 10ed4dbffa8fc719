export const ROLES = ['admin', 'auditor', 'vendor', 'buyer', 'system'] as const;
export type Role = (typeof ROLES)[number];

/** Who caused an event. `system` is a process manager acting on an earlier event. */
export interface Actor {
  readonly id: string;
  readonly role: Role;
  readonly vendorId?: string;
  readonly opdCode?: string;
}

/** OPD/satker codes as issued by the LPSE admin, e.g. `3673-DINKES` or `SATKER-019283`. */
export const OPD_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/;
