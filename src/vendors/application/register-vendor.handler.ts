import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext, CommandPipeline, CommandResult } from '../../event-store/command-pipeline.js';
import { KeyedLock } from '../../event-store/keyed-lock.js';
import { PolicyService } from '../../policy/application/policy.service.js';
import { nibDecider, nibStreamId } from '../domain/nib.decider.js';
import { VendorCommand } from '../domain/vendor.commands.js';
import { vendorDecider, vendorStreamId } from '../domain/vendor.decider.js';
import { RegisterVendorCommand } from './vendor.commands.js';

/** Registrations of one vendor id waiting here at once (a vendor key retrying in a loop is refused beyond this). */
export const REGISTRATION_WAITERS_MAX = 100;

/**
 * Registration touches two streams: the NIB reservation (uniqueness, expected no_stream) and
 * the vendor. The registration is checked against the vendor as it is before the NIB is
 * claimed, so a refused request claims nothing:
 * - a vendor id that exists already is answered by its own stream alone: the replay of an
 *   Idempotency-Key retry, IDEMPOTENCY_KEY_REUSED, or VENDOR_EXISTS; no NIB is touched;
 * - registrations of one vendor id run one at a time in this process, so two racing ones
 *   cannot both claim a NIB;
 * - should the vendor append still fail after the claim (another process won the race), the
 *   claim is released again.
 * A retry with the same Idempotency-Key reuses the same vendor id and the same claim.
 */
@CommandHandler(RegisterVendorCommand)
export class RegisterVendorHandler implements ICommandHandler<RegisterVendorCommand> {
  private readonly lock = new KeyedLock(REGISTRATION_WAITERS_MAX);

  constructor(
    private readonly pipeline: CommandPipeline,
    private readonly policies: PolicyService,
  ) {}

  execute({ registration, context }: RegisterVendorCommand): Promise<CommandResult> {
    return this.lock.run(registration.vendorId, () => this.register(registration, context));
  }

  private async register(registration: RegisterVendorCommand['registration'], context: CommandContext): Promise<CommandResult> {
    const policy = await this.policies.at(context.occurredAt);
    const command: VendorCommand = { type: 'RegisterVendor', ...registration, policy };
    const withPolicy = { ...context, policyRevision: policy.revision };
    const vendorStream = vendorStreamId(registration.vendorId);
    const { state } = await this.pipeline.load(vendorDecider, vendorStream);
    if (state.status !== 'absent') return this.pipeline.handle(vendorDecider, vendorStream, command, withPolicy);

    vendorDecider.decide(command, state);
    // If-Match names a revision of the vendor the client read; the NIB stream is not one it saw.
    const { ifMatch: _vendorRevision, ...nibContext } = withPolicy;
    const claim = await this.pipeline.handle(
      nibDecider,
      nibStreamId(registration.nib),
      { type: 'ReserveNib', nib: registration.nib, vendorId: registration.vendorId },
      nibContext,
    );
    try {
      return await this.pipeline.handle(vendorDecider, vendorStream, command, withPolicy);
    } catch (error) {
      if (claim.events.length > 0 && !claim.replayed) await this.releaseClaim(registration, nibContext, claim);
      throw error;
    }
  }

  private async releaseClaim(registration: RegisterVendorCommand['registration'], context: CommandContext, claim: CommandResult): Promise<void> {
    const { idempotencyKey: _key, commandHash: _hash, ...withoutKey } = context;
    await this.pipeline.handle(
      nibDecider,
      nibStreamId(registration.nib),
      { type: 'ReleaseNib', nib: registration.nib, vendorId: registration.vendorId, reason: 'registration did not complete' },
      { ...withoutKey, causationId: claim.events[0]!.id },
    );
  }
}
