import type Database from 'better-sqlite3';
import type { CheckpointedConsumer } from '../event-store/checkpointed-consumer.js';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import { SqliteCheckpointStore } from '../event-store/sqlite-checkpoint-store.js';
import type { OrderEvent } from '../orders/domain/order.events.js';

export interface DueHold {
  readonly orderId: string;
  readonly cardId: string;
  readonly expiresAtMs: number;
}

/** Events that end an order's need for a time-to-live check: it was received or it closed. */
const HOLD_SETTLED: readonly OrderEvent['type'][] = ['OrderReceived', 'OrderPaid', 'OrderRejected', 'OrderCancelled', 'OrderHoldExpired', 'OrderDeclined'];

/**
 * The hold-expiry sweep's own small table: orders holding a card authorisation that may lapse.
 * A projection: its rows and its checkpoint change in one transaction, so it is never off by one
 * after a crash.
 */
export class HoldExpiryIndex implements CheckpointedConsumer {
  readonly name = 'process.hold-expiry-index';
  readonly filter = { eventTypes: ['OrderAuthorised', ...HOLD_SETTLED] };
  private readonly checkpoints: SqliteCheckpointStore;
  private readonly upsert: Database.Statement<[string, string, number]>;
  private readonly remove: Database.Statement<[string]>;
  private readonly selectDue: Database.Statement<[number, number], { order_id: string; card_id: string; expires_at_ms: number }>;
  private readonly apply: (events: readonly RecordedEvent[], checkpoint: bigint) => void;

  constructor(db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS open_holds (
      order_id      TEXT PRIMARY KEY,
      card_id       TEXT NOT NULL,
      expires_at_ms INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS open_holds_by_expiry ON open_holds (expires_at_ms)`);
    this.checkpoints = new SqliteCheckpointStore(db);
    this.upsert = db.prepare('INSERT OR REPLACE INTO open_holds (order_id, card_id, expires_at_ms) VALUES (?, ?, ?)');
    this.remove = db.prepare('DELETE FROM open_holds WHERE order_id = ?');
    this.selectDue = db.prepare('SELECT order_id, card_id, expires_at_ms FROM open_holds WHERE expires_at_ms <= ? ORDER BY expires_at_ms LIMIT ?');
    this.apply = db.transaction((events: readonly RecordedEvent[], checkpoint: bigint) => {
      for (const event of events) this.applyOne(event as RecordedEvent & OrderEvent);
      this.checkpoints.save(this.name, checkpoint);
    });
  }

  async loadCheckpoint(): Promise<bigint | 'start'> {
    return this.checkpoints.load(this.name);
  }

  async handleBatch(events: readonly RecordedEvent[], checkpoint: bigint): Promise<void> {
    this.apply(events, checkpoint);
  }

  /** Holds whose time to live has passed at `nowMs`, oldest first, at most `limit`. */
  due(nowMs: number, limit: number): DueHold[] {
    return this.selectDue.all(nowMs, limit).map((row) => ({ orderId: row.order_id, cardId: row.card_id, expiresAtMs: row.expires_at_ms }));
  }

  private applyOne(event: OrderEvent): void {
    if (event.type === 'OrderAuthorised') {
      this.upsert.run(event.data.orderId, event.data.cardId, Date.parse(event.data.holdExpiresAt));
      return;
    }
    this.remove.run(event.data.orderId);
  }
}
