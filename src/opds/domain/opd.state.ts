import type { PemdaLevel } from './opd-code.js';

export interface RegisteredOpd {
  readonly status: 'registered';
  readonly opdCode: string;
  readonly name: string;
  readonly kabupatenKotaCode: string;
  readonly pemdaCode: string;
  readonly pemdaLevel: PemdaLevel;
}

export type OpdState = { readonly status: 'absent' } | RegisteredOpd;

/** What other contexts' deciders need of an OPD (read by their handlers): its registered facts, or that it is not registered. */
export type OpdSnapshot = { readonly opdCode: string; readonly status: 'absent' } | RegisteredOpd;
