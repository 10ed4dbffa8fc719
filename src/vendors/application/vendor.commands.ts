import { Command } from '@nestjs/cqrs';
import type { CommandContext, CommandResult } from '../../event-store/command-pipeline.js';
import type { VendorCommand } from '../domain/vendor.commands.js';

type Registration = Omit<Extract<VendorCommand, { type: 'RegisterVendor' }>, 'type' | 'policy'>;

export class RegisterVendorCommand extends Command<CommandResult> {
  constructor(
    readonly registration: Registration,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** Every other vendor command: one stream, one decider. */
export class ChangeVendorCommand extends Command<CommandResult> {
  constructor(
    readonly vendorId: string,
    readonly command: Exclude<VendorCommand, { type: 'RegisterVendor' }>,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** Frees a NIB its vendor holds (the nib-release process manager, after a rejection). */
export class ReleaseNibCommand extends Command<CommandResult> {
  constructor(
    readonly nib: string,
    readonly vendorId: string,
    readonly reason: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** An admin frees a NIB whose holder never registered, or was rejected (refused while the holder is registered). */
export class ReleaseUnregisteredNibCommand extends Command<CommandResult> {
  constructor(
    readonly nib: string,
    readonly reason: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
