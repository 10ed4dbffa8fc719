import { OrderCards } from '../../src/process/order-cards.js';

describe('OrderCards: the card each recently seen order pays with', () => {
  it('tells the card of a remembered order and nothing of others', () => {
    const cards = new OrderCards(10);
    cards.remember('order-1', 'card-a');
    expect(cards.cardOf('order-1')).toBe('card-a');
    expect(cards.cardOf('order-2')).toBeUndefined();
  });

  it('keeps at most its bound, forgetting the order remembered longest ago', () => {
    const cards = new OrderCards(2);
    cards.remember('order-1', 'card-a');
    cards.remember('order-2', 'card-b');
    cards.remember('order-1', 'card-a');
    cards.remember('order-3', 'card-c');
    expect([cards.cardOf('order-1'), cards.cardOf('order-2'), cards.cardOf('order-3')]).toEqual([undefined, 'card-b', 'card-c']);
  });
});
