import { describe, expect, it } from 'vitest';
import { applyEvent } from '#profiles/domain/apply-event.ts';
import { emptyProfile, type Profile } from '#profiles/domain/profile.ts';
import { canonical, usd } from '#tests/helpers/events.ts';

const customer = { customerId: 'c-1', email: 'Ann@Example.com' };

function applyAll(
  events: ReturnType<typeof canonical>[],
  start: Profile = emptyProfile('demo', 'customer:c-1'),
) {
  return events.reduce((profile, event) => applyEvent(profile, event).profile, start);
}

const order = (
  id: string,
  orderId: string,
  at: string,
  amount: string,
  extra: Record<string, unknown> = {},
) =>
  canonical({
    id,
    type: 'order.placed',
    occurredAt: at,
    identity: customer,
    data: {
      orderId,
      lines: [{ productId: 'p-1', quantity: 1, category: 'tea', price: usd(amount) }],
      total: usd(amount),
      ...extra,
    },
  });

const cartSnapshot = (id: string, at: string, quantity = 2) =>
  canonical({
    id,
    type: 'cart.updated',
    occurredAt: at,
    identity: customer,
    data: {
      cartId: 'cart-1',
      lines: [{ productId: 'p-1', quantity, price: usd('4.99') }],
      total: usd('9.98'),
    },
  });

describe('Function: applyEvent', () => {
  it('counts an order once when the same event is delivered twice', () => {
    // Prepare
    const placed = order('e-1', 'o-1', '2026-03-01T10:00:00Z', '27.50');

    // Act
    const profile = applyAll([placed, placed]);

    // Assess
    expect(profile.orderSummary.count).toBe(1);
    expect(profile.orderSummary.totalSpent).toEqual({ USD: '27.50' });
  });

  it('counts an order once when it is re-sent under a new event id', () => {
    // Prepare: a storefront retried with a fresh event id but the same order id
    const first = order('e-1', 'o-1', '2026-03-01T10:00:00Z', '27.50');
    const retry = order('e-2', 'o-1', '2026-03-01T10:00:00Z', '27.50');

    // Act
    const profile = applyAll([first, retry]);

    // Assess
    expect(profile.orderSummary.count).toBe(1);
    expect(profile.categoryAffinity.tea).toBe(3);
  });

  it('sums money exactly where binary floats would not', () => {
    // Prepare: 0.1 + 0.2 is 0.30000000000000004 in floating point
    const events = [
      order('e-1', 'o-1', '2026-03-01T10:00:00Z', '0.10'),
      order('e-2', 'o-2', '2026-03-02T10:00:00Z', '0.20'),
    ];

    // Act
    const profile = applyAll(events);

    // Assess
    expect(profile.orderSummary.totalSpent).toEqual({ USD: '0.30' });
    expect(profile.orderSummary.averageOrderValue).toEqual({ USD: '0.15' });
    expect(profile.orderSummary.lastOrder?.orderId).toBe('o-2');
  });

  it('keeps the cart ordered when a cart update from before the order arrives late', () => {
    // Prepare
    const update = cartSnapshot('e-1', '2026-03-01T09:00:00Z');
    const placed = order('e-2', 'o-1', '2026-03-01T10:00:00Z', '9.98', { cartId: 'cart-1' });

    // Act
    const inOrder = applyAll([update, placed]);
    const lateUpdate = applyAll([placed, update]);

    // Assess
    expect(inOrder.cart?.status).toBe('ordered');
    expect(lateUpdate.cart?.status).toBe('ordered');
    expect(lateUpdate.cart?.orderId).toBe('o-1');
  });

  it('reopens the cart when it changes after the order', () => {
    // Prepare
    const placed = order('e-1', 'o-1', '2026-03-01T10:00:00Z', '9.98', { cartId: 'cart-1' });
    const later = cartSnapshot('e-2', '2026-03-02T09:00:00Z', 1);

    // Act
    const profile = applyAll([cartSnapshot('e-0', '2026-03-01T09:00:00Z'), placed, later]);

    // Assess
    expect(profile.cart?.status).toBe('open');
    expect(profile.cart?.lines[0]?.quantity).toBe(1);
  });

  it('ignores an older cart snapshot that arrives after a newer one', () => {
    // Prepare
    const newer = cartSnapshot('e-2', '2026-03-01T09:30:00Z', 3);
    const older = cartSnapshot('e-1', '2026-03-01T09:00:00Z', 1);

    // Act
    const profile = applyAll([newer, older]);

    // Assess
    expect(profile.cart?.lines[0]?.quantity).toBe(3);
    expect(profile.cart?.updatedAt).toBe('2026-03-01T09:30:00.000Z');
  });

  it('adds and removes single lines and keeps an exact total', () => {
    // Prepare
    const line = { productId: 'p-9', quantity: 1, category: 'mugs', price: usd('12.40') };
    const change = (id: string, action: 'added' | 'removed', at: string) =>
      canonical({
        id,
        type: 'cart.updated',
        occurredAt: at,
        identity: customer,
        data: { cartId: 'k', change: { action, line } },
      });

    // Act
    const profile = applyAll([
      change('e-1', 'added', '2026-03-01T09:00:00Z'),
      change('e-2', 'added', '2026-03-01T09:01:00Z'),
      change('e-2', 'added', '2026-03-01T09:01:00Z'),
      change('e-3', 'removed', '2026-03-01T09:02:00Z'),
    ]);

    // Assess
    expect(profile.cart?.lines).toEqual([{ ...line, quantity: 1 }]);
    expect(profile.cart?.total).toEqual(usd('12.40'));
    expect(profile.categoryAffinity.mugs).toBe(4);
  });

  it('keeps the latest attribute and consent whatever order they arrive in', () => {
    // Prepare
    const update = (id: string, at: string, firstName: string, status: 'granted' | 'revoked') =>
      canonical({
        id,
        type: 'customer.updated',
        occurredAt: at,
        identity: customer,
        data: {
          attributes: { firstName },
          consent: [{ channel: 'email', status, source: 'preferences-page', recordedAt: at }],
        },
      });
    const newer = update('e-2', '2026-03-02T00:00:00Z', 'Annie', 'revoked');
    const older = update('e-1', '2026-03-01T00:00:00Z', 'Ann', 'granted');

    // Act
    const profile = applyAll([newer, older]);

    // Assess
    expect(profile.attributes.firstName).toBe('Annie');
    expect(profile.consent.email).toEqual({
      status: 'revoked',
      source: 'preferences-page',
      recordedAt: '2026-03-02T00:00:00.000Z',
    });
  });

  it('keeps a bounded list of recent views, most recent first, one per product', () => {
    // Prepare
    const views = Array.from({ length: 25 }, (_, index) =>
      canonical({
        id: `v-${index}`,
        type: 'product.viewed',
        occurredAt: new Date(Date.UTC(2026, 2, 1, 0, index)).toISOString(),
        identity: customer,
        data: { product: { productId: `p-${index % 22}`, category: 'tea' } },
      }),
    );

    // Act
    const profile = applyAll(views);

    // Assess
    expect(profile.recentViews).toHaveLength(20);
    expect(profile.recentViews[0]?.productId).toBe('p-2');
    expect(new Set(profile.recentViews.map((view) => view.productId)).size).toBe(20);
    expect(profile.categoryAffinity.tea).toBe(25);
  });

  it('does not count a cancelled order, even when the cancellation arrives first', () => {
    // Prepare
    const cancelled = canonical({
      id: 'e-9',
      type: 'order.cancelled',
      occurredAt: '2026-03-01T11:00:00Z',
      identity: customer,
      data: { orderId: 'o-1' },
    });

    // Act
    const profile = applyAll([cancelled, order('e-1', 'o-1', '2026-03-01T10:00:00Z', '27.50')]);

    // Assess
    expect(profile.orderSummary.count).toBe(0);
    expect(profile.orders['o-1']?.cancelledAt).toBe('2026-03-01T11:00:00.000Z');
  });

  it('records lifecycle timestamps journeys will need', () => {
    // Prepare
    const registered = canonical({
      id: 'e-0',
      type: 'customer.registered',
      occurredAt: '2026-02-01T00:00:00+02:00',
      identity: customer,
      data: {},
    });
    const fulfilled = canonical({
      id: 'e-3',
      type: 'order.fulfilled',
      occurredAt: '2026-03-03T00:00:00Z',
      identity: customer,
      data: { orderId: 'o-1' },
    });

    // Act
    const profile = applyAll([registered, order('e-1', 'o-1', '2026-03-01T10:00:00Z', '5.00'), fulfilled]);

    // Assess
    expect(profile.lifecycle).toMatchObject({
      registeredAt: '2026-01-31T22:00:00.000Z',
      firstOrderAt: '2026-03-01T10:00:00.000Z',
      lastOrderAt: '2026-03-01T10:00:00.000Z',
      lastFulfilledAt: '2026-03-03T00:00:00.000Z',
    });
    expect(profile.email).toBe('ann@example.com');
    expect(profile.firstSeenAt).toBe('2026-01-31T22:00:00.000Z');
  });
});
