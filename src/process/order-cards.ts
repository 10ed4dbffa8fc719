/** Orders whose card the order-payment process keeps at hand, oldest forgotten first. */
export const ORDER_CARDS_KEPT_MAX = 20_000;

/**
 * The card each recently seen order pays with: a fact an order never changes (set by OrderPlaced),
 * so a kept entry never goes stale. Spares the order-payment process a read of the order stream
 * for the triggers that carry only the order's id.
 */
export class OrderCards {
  private readonly cardByOrder = new Map<string, string>();

  constructor(private readonly keptMax = ORDER_CARDS_KEPT_MAX) {}

  remember(orderId: string, cardId: string): void {
    if (this.cardByOrder.has(orderId)) return;
    // Map keeps insertion order: the first key is the order remembered longest ago.
    if (this.cardByOrder.size >= this.keptMax) this.cardByOrder.delete(this.cardByOrder.keys().next().value!);
    this.cardByOrder.set(orderId, cardId);
  }

  cardOf(orderId: string): string | undefined {
    return this.cardByOrder.get(orderId);
  }
}
