import type Database from 'better-sqlite3';
import type { OrderEvent } from '../orders/domain/order.events.js';
import type { VendorEvent } from '../vendors/domain/vendor.events.js';

/** Events that take an order out of the suspension rule's reach: the vendor accepted it, or it closed. */
export const ORDER_LEFT_OPEN: readonly OrderEvent['type'][] = ['OrderAccepted', 'OrderDeclined', 'OrderRejected', 'OrderCancelled', 'OrderHoldExpired'];

/**
 * The vendor-suspension process manager's own tables (process.db): each vendor's orders that it
 * has not yet accepted, and which vendors are suspended. Kept by the process itself, event by
 * event in $all order before it reacts, so what it reads is exactly the state at the trigger;
 * every change is idempotent (insert-or-ignore, delete), so re-applying an event after a crash
 * changes nothing.
 */
export class VendorOpenOrdersIndex {
  private readonly addOrder: Database.Statement<[string, string]>;
  private readonly removeOrder: Database.Statement<[string]>;
  private readonly suspend: Database.Statement<[string]>;
  private readonly reinstate: Database.Statement<[string]>;
  private readonly selectSuspended: Database.Statement<[string], { vendor_id: string }>;
  private readonly selectOpen: Database.Statement<[string, string, number], { order_id: string }>;

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
    this.selectSuspended = db.prepare('SELECT vendor_id FROM suspended_vendors WHERE vendor_id = ?');
    this.selectOpen = db.prepare('SELECT order_id FROM vendor_open_orders WHERE vendor_id = ? AND order_id > ? ORDER BY order_id LIMIT ?');
  }

  apply(event: OrderEvent | VendorEvent): void {
    if (event.type === 'OrderPlaced') this.addOrder.run(event.data.orderId, event.data.vendorId);
    else if (event.type === 'VendorSuspended') this.suspend.run(event.data.vendorId);
    else if (event.type === 'VendorReinstated') this.reinstate.run(event.data.vendorId);
    else if ((ORDER_LEFT_OPEN as readonly string[]).includes(event.type)) this.removeOrder.run((event.data as { orderId: string }).orderId);
  }

  isSuspended(vendorId: string): boolean {
    return this.selectSuspended.get(vendorId) !== undefined;
  }

  /** A page of the vendor's open orders after `afterOrderId` (keyset, by order id), at most `limit`. */
  openOrders(vendorId: string, afterOrderId: string, limit: number): string[] {
    return this.selectOpen.all(vendorId, afterOrderId, limit).map((row) => row.order_id);
  }
}
