import Database from 'better-sqlite3';
import type { CommandBus } from '@nestjs/cqrs';
import { CommandContext, CommandPipeline } from '../../src/event-store/command-pipeline.js';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { matchesFilter } from '../../src/event-store/event-store.port.js';
import { SqliteCheckpointStore } from '../../src/event-store/sqlite-checkpoint-store.js';
import { ProcessRefusalMetrics } from '../../src/process/process-refusal-metrics.js';
import type { SubscriptionRegistry } from '../../src/event-store/subscription-registry.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import type { Clock } from '../../src/kernel/clock.js';
import { PolicyService } from '../../src/policy/application/policy.service.js';
import { NibReleaseProcess } from '../../src/process/nib-release.process.js';
import { ChangeVendorHandler } from '../../src/vendors/application/change-vendor.handler.js';
import { RegisterVendorHandler } from '../../src/vendors/application/register-vendor.handler.js';
import { ReleaseNibHandler } from '../../src/vendors/application/release-nib.handler.js';
import { ChangeVendorCommand, RegisterVendorCommand, ReleaseNibCommand } from '../../src/vendors/application/vendor.commands.js';
import { nibDecider, nibStreamId } from '../../src/vendors/domain/nib.decider.js';

const NOW = new Date('2026-11-26T03:00:00Z');
const NIB = '9120301234567';
const OTHER_NIB = '9120301234568';
const REJECTED = '0b000000-0000-4000-8000-000000000001';
const RIGHTFUL = '0b000000-0000-4000-8000-000000000002';
const KEPT = '0b000000-0000-4000-8000-000000000003';

const clock: Clock = { now: () => NOW };
const admin = (): CommandContext => ({ actor: { id: 'key:admin', role: 'admin' }, correlationId: 'c', causationId: 'c', occurredAt: NOW });

describe('nib-release process manager: VendorRejected -> NibReleased, exactly once (integration)', () => {
  let store: SqliteEventStore;
  let db: Database.Database;
  let pipeline: CommandPipeline;
  let checkpoints: SqliteCheckpointStore;
  let register: RegisterVendorHandler;
  let change: ChangeVendorHandler;
  let process: NibReleaseProcess;
  /** Fails the next N releases with an I/O-like error (not a DomainError), as a crash or a lost disk would. */
  let failNextReleases: number;

  beforeEach(() => {
    store = SqliteEventStore.open(':memory:');
    db = new Database(':memory:');
    pipeline = new CommandPipeline(store);
    checkpoints = new SqliteCheckpointStore(db);
    register = new RegisterVendorHandler(pipeline, new PolicyService(pipeline));
    change = new ChangeVendorHandler(pipeline);
    const release = new ReleaseNibHandler(pipeline);
    failNextReleases = 0;
    const bus = {
      execute: async (command: unknown) => {
        if (!(command instanceof ReleaseNibCommand)) throw new Error(`unexpected command ${String(command)}`);
        if (failNextReleases > 0) {
          failNextReleases -= 1;
          throw new Error('EIO: simulated failure before the release was written');
        }
        return release.execute(command);
      },
    } as unknown as CommandBus;
    const registry = { register: () => undefined } as unknown as SubscriptionRegistry;
    process = new NibReleaseProcess(bus, pipeline, registry, checkpoints, clock, new ProcessRefusalMetrics());
  });
  afterEach(async () => {
    await store.close();
    db.close();
  });

  const registration = (vendorId: string, nib: string) =>
    new RegisterVendorCommand(
      {
        vendorId,
        nib,
        npwp: '012345678901234',
        name: 'CV Uji',
        legalForm: 'cv',
        capitalRupiah: 500_000_000,
        kabupatenKotaCode: '3673',
        contact: { email: 'a@b.co', phone: '+62 254 123456' },
      },
      admin(),
    );

  /** Feeds the process what $all holds after its checkpoint, as the subscription runner does (one batch). */
  async function drain(): Promise<void> {
    const from = await process.loadCheckpoint();
    const events = await store.readAll({ fromPosition: from === 'start' ? 'start' : from + 1n, maxCount: 10_000 });
    if (events.length === 0) return;
    await process.handleBatch(
      events.filter((event) => matchesFilter(event, process.filter)),
      events[events.length - 1]!.position,
    );
  }

  const allEvents = (): Promise<RecordedEvent[]> => store.readAll({ maxCount: 10_000 });
  const nibEvents = async (nib: string): Promise<string[]> =>
    (await store.readStream(nibStreamId(nib))).map((event) => `${event.type} ${(event.data as { vendorId: string }).vendorId}`);

  it("releases a rejected vendor's NIB once, caused by the rejection; a replay from the start writes nothing new", async () => {
    await register.execute(registration(REJECTED, NIB));
    await register.execute(registration(KEPT, OTHER_NIB));
    const rejection = await change.execute(new ChangeVendorCommand(REJECTED, { type: 'RejectVendor', reason: 'NIB tidak sesuai OSS' }, admin()));
    expect(await nibEvents(NIB)).toEqual([`NibReserved ${REJECTED}`]);

    await drain();
    const released = (await store.readStream(nibStreamId(NIB)))[1]!;
    expect(released).toMatchObject({ type: 'NibReleased', data: { nib: NIB, vendorId: REJECTED, reason: 'NIB tidak sesuai OSS' } });
    expect(released.metadata).toMatchObject({
      causationId: rejection.events[0]!.id,
      actor: { id: 'process:nib-release', role: 'system' },
      idempotencyKey: `nib-release:${rejection.events[0]!.id}`,
    });
    expect(await nibEvents(OTHER_NIB)).toEqual([`NibReserved ${KEPT}`]);

    // The rightful business registers the NIB under a new vendor id.
    await register.execute(registration(RIGHTFUL, NIB));
    expect(await nibEvents(NIB)).toEqual([`NibReserved ${REJECTED}`, `NibReleased ${REJECTED}`, `NibReserved ${RIGHTFUL}`]);

    const before = await allEvents();
    checkpoints.reset(process.name);
    await drain();
    expect(await allEvents()).toEqual(before);
    expect((await pipeline.load(nibDecider, nibStreamId(NIB))).state).toEqual({ status: 'reserved', vendorId: RIGHTFUL });
  });

  it('leaves the checkpoint before a rejection whose release failed, and releases it on the next run, once', async () => {
    await register.execute(registration(REJECTED, NIB));
    await change.execute(new ChangeVendorCommand(REJECTED, { type: 'RejectVendor', reason: 'dokumen palsu' }, admin()));
    const checkpointBefore = await process.loadCheckpoint();

    failNextReleases = 1;
    await expect(drain()).rejects.toThrow(/EIO/);
    expect(await process.loadCheckpoint()).toEqual(checkpointBefore);
    expect(await nibEvents(NIB)).toEqual([`NibReserved ${REJECTED}`]);

    await drain();
    await drain();
    expect(await nibEvents(NIB)).toEqual([`NibReserved ${REJECTED}`, `NibReleased ${REJECTED}`]);
  });

  it('writes nothing for a rejection whose NIB was already released (by the inline release of earlier versions) or taken again', async () => {
    await register.execute(registration(REJECTED, NIB));
    await change.execute(new ChangeVendorCommand(REJECTED, { type: 'RejectVendor', reason: 'ditolak' }, admin()));
    // What the request itself used to write before this process existed, under the admin's context.
    await pipeline.handle(nibDecider, nibStreamId(NIB), { type: 'ReleaseNib', nib: NIB, vendorId: REJECTED, reason: 'ditolak' }, admin());
    await register.execute(registration(RIGHTFUL, NIB));
    const before = await allEvents();

    await drain();
    expect(await allEvents()).toEqual(before);
    expect(await nibEvents(NIB)).toEqual([`NibReserved ${REJECTED}`, `NibReleased ${REJECTED}`, `NibReserved ${RIGHTFUL}`]);
  });
});
