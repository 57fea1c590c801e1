import type { UnstampedEvent } from '#events/schemas.ts';

const CATEGORIES = ['tea', 'coffee', 'mugs', 'snacks', 'gifts'];

/** A deterministic mix of views, cart updates and orders spread over `customers` people. */
export function syntheticEvents(count: number, customers: number): UnstampedEvent[] {
  const start = Date.parse('2026-01-01T00:00:00Z');
  return Array.from({ length: count }, (_, index): UnstampedEvent => {
    const customer = index % customers;
    const identity = { customerId: `c-${customer}`, email: `c-${customer}@example.com` };
    const occurredAt = new Date(start + index * 1000).toISOString();
    const product = {
      productId: `p-${index % 50}`,
      category: CATEGORIES[index % CATEGORIES.length] as string,
    };
    const price = { amount: `${(index % 40) + 1}.99`, currency: 'USD' };
    const base = { id: `evt-${index}`, version: 1 as const, occurredAt, identity };
    if (index % 10 === 9) {
      return {
        ...base,
        type: 'order.placed',
        data: { orderId: `o-${index}`, lines: [{ ...product, quantity: 1, price }], total: price },
      };
    }
    if (index % 3 === 2) {
      return {
        ...base,
        type: 'cart.updated',
        data: { cartId: `cart-${customer}`, lines: [{ ...product, quantity: 1, price }], total: price },
      };
    }
    return { ...base, type: 'product.viewed', data: { product } };
  });
}
