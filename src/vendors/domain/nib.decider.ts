import type { Decider } from '../../kernel/decider.js';
import { conflict, ruleViolation } from '../../kernel/errors.js';
import { requireText } from '../../kernel/text.js';
import type { NibCommand } from './vendor.commands.js';
import type { NibEvent } from './vendor.events.js';
import type { NibState } from './vendor.state.js';
import { REASON_LENGTH_MAX } from './vendor-rules.js';

/** NIB uniqueness: one stream per NIB, claimed with expected revision no_stream (or after a release). */
export const nibStreamId = (nib: string): string => `nib-${nib}`;

export const nibDecider: Decider<NibState, NibCommand, NibEvent> = {
  initialState: () => ({ status: 'free' }),
  evolve: (_state, event) => (event.type === 'NibReserved' ? { status: 'reserved', vendorId: event.data.vendorId } : { status: 'free' }),
  decide: (command, state) => {
    switch (command.type) {
      case 'ReserveNib':
        if (state.status === 'reserved') {
          // The same vendor retrying its own registration is not a duplicate.
          if (state.vendorId === command.vendorId) return [];
          throw conflict('NIB_ALREADY_REGISTERED', `NIB ${command.nib} is already registered to another vendor`, { nib: command.nib });
        }
        return [{ type: 'NibReserved', data: { nib: command.nib, vendorId: command.vendorId } }];
      case 'ReleaseNib':
        if (state.status !== 'reserved' || state.vendorId !== command.vendorId) return [];
        return [{ type: 'NibReleased', data: { nib: command.nib, vendorId: command.vendorId, reason: command.reason } }];
      case 'ReleaseUnregisteredNib': {
        const reason = requireText('reason', command.reason, REASON_LENGTH_MAX, { multiline: true });
        // Free already, or claimed by someone else since the holder was read: nothing of this holder to release.
        if (state.status !== 'reserved' || state.vendorId !== command.vendorId) return [];
        if (command.holderStatus !== 'absent' && command.holderStatus !== 'rejected') {
          throw ruleViolation('NIB_HELD_BY_VENDOR', `NIB ${command.nib} belongs to a registered ${command.holderStatus} vendor`, {
            nib: command.nib,
            vendorId: command.vendorId,
            vendorStatus: command.holderStatus,
          });
        }
        return [{ type: 'NibReleased', data: { nib: command.nib, vendorId: command.vendorId, reason } }];
      }
    }
  },
};
