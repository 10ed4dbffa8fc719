import type { PemdaLevel } from './opd-code.js';

export type OpdEvent =
  | {
      readonly type: 'OpdRegistered';
      readonly data: {
        readonly opdCode: string;
        readonly name: string;
        /** Where the OPD sits (BPS): its orders' spending is credited to this kabupaten/kota. */
        readonly kabupatenKotaCode: string;
        /** The parent pemda: the code's prefix (2 digits for a province, 4 for a kabupaten/kota). */
        readonly pemdaCode: string;
        readonly pemdaLevel: PemdaLevel;
      };
    }
  | { readonly type: 'OpdRenamed'; readonly data: { readonly opdCode: string; readonly previousName: string; readonly name: string } };

export type OpdEventType = OpdEvent['type'];
