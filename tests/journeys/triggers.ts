/** Canonical events that start the journeys, built through the real schema. */
import type { CanonicalEvent } from '#events/schemas.ts';
import { canonical, usd } from '#tests/helpers/events.ts';

const customer = { customerId: 'c-1', email: 'ada@example.com' };

export const REGISTERED: CanonicalEvent = canonical({
  id: 'evt-registered-1',
  type: 'customer.registered',
  occurredAt: '2026-03-02T10:00:00Z',
  identity: customer,
  data: {
    attributes: { firstName: 'Ada', timeZone: 'Europe/Berlin' },
    consent: [
      { channel: 'email', status: 'granted', source: 'signup-form', recordedAt: '2026-03-02T10:00:00Z' },
    ],
  },
});

export const VIEWED: CanonicalEvent = canonical({
  id: 'evt-viewed-1',
  type: 'product.viewed',
  occurredAt: '2026-03-02T10:00:00Z',
  identity: customer,
  data: { product: { productId: 'sencha-100g', name: 'Sencha', category: 'Tea', price: usd('12.50') } },
});

export const CART_UPDATED: CanonicalEvent = canonical({
  id: 'evt-cart-1',
  type: 'cart.updated',
  occurredAt: '2026-03-02T10:00:00Z',
  identity: customer,
  data: {
    cartId: 'cart-1',
    lines: [{ productId: 'sencha-100g', quantity: 2, price: usd('12.50') }],
    total: usd('25.00'),
  },
});

export const ORDER_PLACED: CanonicalEvent = canonical({
  id: 'evt-order-1',
  type: 'order.placed',
  occurredAt: '2026-03-02T10:00:00Z',
  identity: customer,
  data: {
    orderId: 'order-1',
    cartId: 'cart-1',
    lines: [{ productId: 'sencha-100g', category: 'Tea', quantity: 2, price: usd('12.50') }],
    total: usd('25.00'),
  },
});

/** No canonical event says "went quiet"; the daily scan starts win-back with its own, stable-id trigger. */
export const DORMANT = {
  id: 'win-back:demo:c-1:2026-03-02',
  type: 'customer.dormant',
  storeId: 'demo',
  identity: { customerId: 'c-1' },
  occurredAt: '2026-03-02T06:00:00Z',
  data: { lastOrderAt: '2025-12-02T10:00:00Z', dormancyDays: 90 },
};
