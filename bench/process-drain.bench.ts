/**
 * `npm run bench:process-drain`: how fast the order-payment process manager drains a burst,
 * without HTTP. A durable store on disk holds a burst of placed orders over CARD_COUNT cards; the
 * process manager (the service's class, on the service's subscription runner and command
 * handlers) then authorises every one: two commands per order (AuthoriseCard, then
 * RecordAuthorisationApproved). Printed beside the raw baseline from the same run and disk:
 * better-sqlite3 with one durable one-event commit per transaction. Flags: --orders <n>.
 */
import 'reflect-metadata';
import Database from 'better-sqlite3';
import type { CommandBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CardCommandHandler } from '../src/cards/application/card-command.handler.js';
import { CardCommandRequest } from '../src/cards/application/card.commands.js';
import { CommandContext, CommandPipeline } from '../src/event-store/command-pipeline.js';
import { DeadLetterStore } from '../src/event-store/dead-letter-store.js';
import { SqliteCheckpointStore } from '../src/event-store/sqlite-checkpoint-store.js';
import type { SubscriptionRegistry } from '../src/event-store/subscription-registry.js';
import { SubscriptionRunner } from '../src/event-store/subscription-runner.js';
import { openSqliteFile } from '../src/event-store/sqlite/open-sqlite-file.js';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { SqliteSnapshotStore } from '../src/event-store/sqlite/sqlite-snapshot-store.js';
import { systemClock } from '../src/kernel/clock.js';
import { silentLogger } from '../src/kernel/logger.js';
import { readOpd } from '../src/opds/application/opd-registry.js';
import { opdDecider, opdStreamId } from '../src/opds/domain/opd.decider.js';
import { ChangeOrderHandler } from '../src/orders/application/change-order.handler.js';
import { ChangeOrderCommand } from '../src/orders/application/order.commands.js';
import { orderDecider, orderStreamId } from '../src/orders/domain/order.decider.js';
import { PolicyService } from '../src/policy/application/policy.service.js';
import { DEFAULT_POLICY } from '../src/policy/domain/policy.js';
import { OrderPaymentProcess } from '../src/process/order-payment.process.js';
import { ProcessRefusalMetrics } from '../src/process/process-refusal-metrics.js';
import { rawDurableAppends } from './event-store.bench.js';

const ORDERS_DEFAULT = 2_000;
const CARD_COUNT = 64;
/** Placements sent at a time while the burst is written (they share the store's group commits). */
const PLACEMENT_CONCURRENCY = 64;
const OPD = '3673-DINKES';
const VENDOR = '0b000000-0000-4000-8000-000000000001';
const LISTING = '0d000000-0000-4000-8000-000000000001';
const DRAIN_WAIT_MS = 30_000;
const DRAIN_ROUNDS_MAX = 1_000;

const context = (): CommandContext => ({
  actor: { id: 'bench:admin', role: 'admin' },
  correlationId: randomUUID(),
  causationId: randomUUID(),
  occurredAt: new Date(),
  idempotencyKey: randomUUID(),
});

async function placeBurst(pipeline: CommandPipeline, cardIds: readonly string[], orders: number): Promise<void> {
  const opd = await readOpd(pipeline, OPD);
  let next = 0;
  await Promise.all(
    Array.from({ length: PLACEMENT_CONCURRENCY }, async () => {
      while (next < orders) {
        const index = next++;
        const orderId = randomUUID();
        await pipeline.handle(
          orderDecider,
          orderStreamId(orderId),
          {
            type: 'PlaceOrder',
            orderId,
            by: { id: 'bench:buyer', role: 'buyer', opdCode: OPD },
            opdCode: OPD,
            opd,
            officialName: 'Budi Santoso',
            lines: [{ listingId: LISTING, quantity: 1 }],
            shippingRupiah: 0,
            vendor: { vendorId: VENDOR, status: 'verified', scale: 'mikro' },
            listings: [
              {
                listingId: LISTING,
                status: 'active',
                revision: 0,
                vendorId: VENDOR,
                title: 'Nasi kotak',
                category: 'makan-minum',
                unit: 'kotak',
                priceRupiah: 35_000,
                isDomesticProduct: true,
              },
            ],
            card: { cardId: cardIds[index % cardIds.length]!, status: 'active', opdCode: OPD },
            policy: DEFAULT_POLICY,
            at: new Date(),
          },
          context(),
        );
      }
    }),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { orders: { type: 'string' } }, strict: true });
  const orders = values.orders === undefined ? ORDERS_DEFAULT : Number(values.orders);
  if (!Number.isSafeInteger(orders) || orders < 1) throw new RangeError('--orders must be a positive integer');
  const dir = mkdtempSync(join(tmpdir(), 'bela-process-drain-'));
  const store = SqliteEventStore.open(join(dir, 'events.db'));
  const snapshotsDb = openSqliteFile(join(dir, 'snapshots.db'), 'NORMAL');
  const checkpointsDb = openSqliteFile(join(dir, 'checkpoints.db'), 'NORMAL');
  try {
    const pipeline = new CommandPipeline(store, undefined, new SqliteSnapshotStore(snapshotsDb));
    const cards = new CardCommandHandler(pipeline, new PolicyService(pipeline));
    const changeOrders = new ChangeOrderHandler(pipeline);
    await pipeline.handle(
      opdDecider,
      opdStreamId(OPD),
      { type: 'RegisterOpd', opdCode: OPD, name: 'Dinas Kesehatan Kota Serang', kabupatenKotaCode: '3673' },
      context(),
    );
    const cardIds = Array.from({ length: CARD_COUNT }, () => randomUUID());
    for (const cardId of cardIds) {
      const issue = {
        type: 'IssueCard' as const,
        cardId,
        opdCode: OPD,
        holderName: 'Siti Rahmawati',
        cardLast4: '4821',
        limitRupiah: 100_000_000_000,
        expiresOn: '2099-12-31',
      };
      await cards.execute(new CardCommandRequest(cardId, issue, context()));
    }
    await placeBurst(pipeline, cardIds, orders);

    const bus = {
      execute: (command: unknown) => (command instanceof CardCommandRequest ? cards.execute(command) : changeOrders.execute(command as ChangeOrderCommand)),
    } as unknown as CommandBus;
    const registry = { register: () => undefined } as unknown as SubscriptionRegistry;
    const process = new OrderPaymentProcess(bus, pipeline, registry, new SqliteCheckpointStore(checkpointsDb), systemClock, new ProcessRefusalMetrics());
    const runner = new SubscriptionRunner(store, process, silentLogger, new DeadLetterStore(checkpointsDb));
    const startedMs = performance.now();
    runner.start();
    // Done when the process has handled the head and its reactions wrote nothing after it.
    for (let round = 0; round < DRAIN_ROUNDS_MAX; round += 1) {
      const head = await store.headPosition();
      if (!(await runner.waitForPosition(head, DRAIN_WAIT_MS))) throw new Error(`the process did not reach ${head} within ${DRAIN_WAIT_MS} ms`);
      if ((await store.headPosition()) === head) break;
    }
    const elapsedMs = performance.now() - startedMs;
    await runner.stop();
    const status = await runner.status();
    const counts = new Database(join(dir, 'events.db'), { readonly: true });
    const count = (type: string): number => (counts.prepare('SELECT COUNT(*) AS n FROM events WHERE type = ?').get(type) as { n: number }).n;
    const decided = count('OrderAuthorised') + count('OrderDeclined');
    counts.close();
    const raw = await rawDurableAppends(dir);
    const commandsPerSecond = (2 * decided * 1000) / elapsedMs;
    console.log(
      [
        `${orders} placed orders drained in ${Math.round(elapsedMs)} ms: ${Math.round((decided * 1000) / elapsedMs)} orders/s, ${Math.round(commandsPerSecond)} commands/s (${decided} decided, ${status.deadLettersOpen} dead letters)`,
        `raw durable one-event commits ${Math.round(raw.perSecond)}/s`,
        `ratio (commands / raw commits) ${(commandsPerSecond / raw.perSecond).toFixed(2)}x`,
      ].join('; '),
    );
  } finally {
    await store.close();
    snapshotsDb.close();
    checkpointsDb.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
