import type Database from 'better-sqlite3';
import { assert } from '../kernel/assert.js';
import type { OrderEvent } from '../orders/domain/order.events.js';
import type { VendorEvent } from '../vendors/domain/vendor.events.js';

/** Events that take an order out of the suspension rule's reach: the vendor accepted it, or it closed. */
export const ORDER_LEFT_OPEN: readonly OrderEvent['type'][] = ['OrderAccepted', 'OrderDeclined', 'OrderRejected', 'OrderCancelled', 'OrderHoldExpired'];

/**
 * The vendor-suspension process manager's own tables (process.db): each vendor's orders that it
 * has not yet accepted, and which vendors are suspended. Kept by the process itself, event by
 * event in $all order before it reacts, so what it reads is exactly the state at the trigger.
 * Changes are staged in memory and written in the transaction that stores the process's
 * checkpoint (`writeStaged`), so the tables on disk never run ahead of the checkpoint by more than
 * the trigger being handled; every change is idempotent (insert-or-ignore, delete), so applying
 * that trigger again after a crash changes nothing. Which vendors are suspended is also kept in
 * memory (few rows), so a placement's check reads no table.
 */
export class VendorOpenOrdersIndex {
  private readonly addOrder: Database.Statement<[string, string]>;
  private readonly removeOrder: Database.Statement<[string]>;
  private readonly suspend: Database.Statement<[string]>;
  private readonly reinstate: Database.Statement<[string]>;
  private readonly selectOpen: Database.Statement<[string, string, number], { order_id: string }>;
  /** Triggers applied to the in-memory state and not yet to the tables, in $all order. */
  private readonly staged: (OrderEvent | VendorEvent)[] = [];
  private readonly suspended: Set<string>;
  /** The staged rows, then `alongside`, in one transaction (made once: this runs at every checkpoint the process stores). */
  private readonly writeStagedInTransaction: (alongside: () => void) => void;

  constructor(db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS vendor_open_orders (
      order_id  TEXT PRIMARY KEY,
      vendor_id TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS vendor_open_orders_by_vendor ON vendor_open_orders (vendor_id, order_id);
    CREATE TABLE IF NOT EXISTS suspended_vendors (vendor_id TEXT PRIMARY KEY) WITHOUT ROWID`);
    this.addOrder = db.prepare('INSERT OR IGNORE INTO vendor_open_orders (order_id, vendor_id) VALUES (?, ?)');
    this.removeOrder = db.prepare('DELETE FROM vendor_open_orders WHERE order_id = ?');
    this.suspend = db.prepare('INSERT OR IGNORE INTO suspended_vendors (vendor_id) VALUES (?)');
    this.reinstate = db.prepare('DELETE FROM suspended_vendors WHERE vendor_id = ?');
    this.selectOpen = db.prepare('SELECT order_id FROM vendor_open_orders WHERE vendor_id = ? AND order_id > ? ORDER BY order_id LIMIT ?');
    const selectAllSuspended = db.prepare('SELECT vendor_id FROM suspended_vendors') as Database.Statement<[], { vendor_id: string }>;
    this.suspended = new Set(selectAllSuspended.all().map((row) => row.vendor_id));
    this.writeStagedInTransaction = db.transaction((alongside: () => void) => {
      for (const event of this.staged) this.write(event);
      alongside();
    });
  }

  /** Applies a trigger to the in-memory state; its rows wait for `writeStaged`. */
  stage(event: OrderEvent | VendorEvent): void {
    if (event.type === 'VendorSuspended') this.suspended.add(event.data.vendorId);
    else if (event.type === 'VendorReinstated') this.suspended.delete(event.data.vendorId);
    this.staged.push(event);
  }

  /**
   * Writes the staged changes, then runs `alongside` (the checkpoint that covers them), in one
   * transaction of the index's database: the checkpoint store must be on the same database.
   */
  writeStaged(alongside: () => void = () => undefined): void {
    this.writeStagedInTransaction(alongside);
    this.staged.length = 0;
  }

  isSuspended(vendorId: string): boolean {
    return this.suspended.has(vendorId);
  }

  /** A page of the vendor's open orders after `afterOrderId` (keyset, by order id), at most `limit`. Write the staged changes first. */
  openOrders(vendorId: string, afterOrderId: string, limit: number): string[] {
    assert(this.staged.length === 0, 'the open orders are read after the staged changes are written');
    return this.selectOpen.all(vendorId, afterOrderId, limit).map((row) => row.order_id);
  }

  private write(event: OrderEvent | VendorEvent): void {
    if (event.type === 'OrderPlaced') this.addOrder.run(event.data.orderId, event.data.vendorId);
    else if (event.type === 'VendorSuspended') this.suspend.run(event.data.vendorId);
    else if (event.type === 'VendorReinstated') this.reinstate.run(event.data.vendorId);
    else if ((ORDER_LEFT_OPEN as readonly string[]).includes(event.type)) this.removeOrder.run((event.data as { orderId: string }).orderId);
  }
}
