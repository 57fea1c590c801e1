import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '#events/schemas.ts';
import { subjectOf } from '#journeys/step/subject.ts';
import { applyEvent } from '#profiles/domain/apply-event.ts';
import { cartBeganAfter } from '#profiles/domain/cart.ts';
import { emptyProfile, type Profile } from '#profiles/domain/profile.ts';
import { canonical, usd } from '#tests/helpers/events.ts';

const anon = { anonymousId: 'browser-1' };
const line = (productId: string, price = '19.00') => ({ productId, quantity: 1, price: usd(price) });

function applyAll(
  events: CanonicalEvent[],
  start: Profile = emptyProfile('demo', 'anonymous:browser-1'),
): Profile {
  return events.reduce((profile, event) => applyEvent(profile, event).profile, start);
}

/** Every arrival order of the events, so a rule is shown not to depend on which came first. */
function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, index) =>
    permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]),
  );
}

const productAdded = (id: string, at: string, cartId = 'anon-cart:browser-1') =>
  canonical({
    id,
    type: 'cart.updated',
    occurredAt: at,
    identity: anon,
    data: { cartId, change: { action: 'added', line: line('p-1') } },
  });

const checkoutStarted = (id: string, at: string, data: Record<string, unknown>) =>
  canonical({
    id,
    type: 'checkout.started',
    occurredAt: at,
    identity: anon,
    data: { lines: [line('p-1')], total: usd('19.00'), ...data },
  });

const orderPlaced = (id: string, at: string, data: Record<string, unknown>) =>
  canonical({
    id,
    type: 'order.placed',
    occurredAt: at,
    identity: anon,
    data: { lines: [line('p-1')], total: usd('19.00'), ...data },
  });

describe('Rule: an order closes the cart or checkout it completes', () => {
  // Segment's spec: Checkout Started names order_id, Order Completed the same order_id and a
  // checkout_id of its own.
  const segmentCheckout = checkoutStarted('e-checkout', '2024-06-01T10:01:00.000Z', {
    checkoutId: '50314b8e9bcf000000000000',
    orderId: '50314b8e9bcf000000000000',
  });
  const segmentOrder = orderPlaced('e-order', '2024-06-01T10:02:00.000Z', {
    orderId: '50314b8e9bcf000000000000',
    checkoutId: 'fksdjfsdjfisjf9sdfjsd9f',
  });

  it.each(permutations([productAdded('e-add', '2024-06-01T10:00:00.000Z'), segmentCheckout, segmentOrder]))(
    'closes the checkout by the order id it announced, in any arrival order (%#)',
    (...events) => {
      // Act
      const profile = applyAll(events);

      // Assess
      expect(profile.cart).toMatchObject({ status: 'ordered', orderId: '50314b8e9bcf000000000000' });
    },
  );

  it.each([
    ['the checkout id', { checkoutId: 'co-1' }, { checkoutId: 'co-1' }],
    ['the cart id', { checkoutId: 'co-1', cartId: 'cart-1' }, { cartId: 'cart-1' }],
    ['the order id', { checkoutId: 'co-1', orderId: 'o-1' }, { checkoutId: 'other' }],
  ])('closes the checkout by %s, whether the order comes before or after it', (_link, checkout, order) => {
    // Prepare
    const started = checkoutStarted('e-1', '2024-06-01T10:00:00.000Z', checkout);
    const placed = orderPlaced('e-2', '2024-06-01T10:05:00.000Z', { orderId: 'o-1', ...order });

    // Act
    const inOrder = applyAll([started, placed]);
    const orderFirst = applyAll([placed, started]);

    // Assess
    expect(inOrder.cart?.status).toBe('ordered');
    expect(orderFirst.cart).toEqual(inOrder.cart);
  });

  it('closes a checkout placed in the same millisecond as its order, both in one batch', () => {
    // Prepare
    const at = '2024-06-01T10:00:00.000Z';
    const events = [
      checkoutStarted('e-1', at, { checkoutId: 'co-1', orderId: 'o-1' }),
      orderPlaced('e-2', at, { orderId: 'o-1', checkoutId: 'co-other' }),
    ];

    // Act + Assess
    for (const order of permutations(events)) expect(applyAll(order).cart?.status).toBe('ordered');
  });

  it("closes a browser's anonymous cart by any later order, which cannot name it", () => {
    // Act
    const profile = applyAll([
      productAdded('e-1', '2024-06-01T10:00:00.000Z'),
      orderPlaced('e-2', '2024-06-01T10:05:00.000Z', { orderId: 'o-1', checkoutId: 'co-9' }),
    ]);

    // Assess
    expect(profile.cart?.status).toBe('ordered');
  });

  it('leaves another named cart open: an order of one cart does not close a different store cart', () => {
    // Act
    const profile = applyAll([
      checkoutStarted('e-1', '2024-06-01T10:06:00.000Z', { checkoutId: 'co-2', cartId: 'cart-2' }),
      orderPlaced('e-2', '2024-06-01T10:05:00.000Z', {
        orderId: 'o-1',
        checkoutId: 'co-1',
        cartId: 'cart-1',
      }),
    ]);

    // Assess
    expect(profile.cart?.status).toBe('open');
  });
});

describe('Rule: a cart replaced in the same instant is decided by a stable rule', () => {
  it('keeps the checkout over a Product Added of the same millisecond, whichever arrives first', () => {
    // Prepare
    const at = '2024-06-01T10:00:00.000Z';
    const added = productAdded('e-zzz', at);
    const checkout = checkoutStarted('e-aaa', at, { checkoutId: 'co-1' });

    // Act
    const results = permutations([added, checkout]).map((events) => applyAll(events).cart);

    // Assess
    expect(results[0]).toMatchObject({ cartId: 'checkout:co-1', checkoutId: 'co-1' });
    expect(results[1]).toEqual(results[0]);
  });

  it('settles two carts of the same stage and instant by event id, in any order', () => {
    // Prepare
    const at = '2024-06-01T10:00:00.000Z';
    const a = productAdded('e-1', at, 'cart-a');
    const b = productAdded('e-2', at, 'cart-b');

    // Act
    const results = permutations([a, b]).map((events) => applyAll(events).cart?.cartId);

    // Assess
    expect(results).toEqual(['cart-b', 'cart-b']);
  });
});

describe('Rule: a cart under a reused id is a new cart after an order', () => {
  const first = productAdded('e-1', '2024-06-01T10:00:00.000Z');
  const ordered = orderPlaced('e-2', '2024-06-01T10:05:00.000Z', { orderId: 'o-1' });
  const second = productAdded('e-3', '2024-06-29T09:00:00.000Z');

  it.each(permutations([first, ordered, second]))(
    "tells a browser's second cart weeks after an order from the first, in any arrival order (%#)",
    (...events) => {
      // Act
      const profile = applyAll(events);

      // Assess: the second cart began after the order; the first had no order before it.
      expect(profile.cart).toMatchObject({ cartId: 'anon-cart:browser-1', status: 'open' });
      expect(cartBeganAfter(profile.orders, 'anon-cart:browser-1', second.occurredAt)).toBe(
        '2024-06-01T10:05:00.000Z',
      );
      expect(cartBeganAfter(profile.orders, 'anon-cart:browser-1', first.occurredAt)).toBeUndefined();
    },
  );

  it('gives the two carts different journey subjects, so the second gets reminders of its own', () => {
    // Prepare
    const profile = applyAll([first, ordered, second]);

    // Act
    const subjects = [first, second].map((trigger) => subjectOf('cart', trigger, profile));

    // Assess
    expect(subjects).toEqual(['anon-cart:browser-1', 'anon-cart:browser-1@2024-06-01T10:05:00.000Z']);
  });
});

describe('Rule: refunds, cancellations and updates after the order', () => {
  const customer = { customerId: 'c-1' };
  const placed = (orderId: string, amount: string, at = '2024-06-01T10:00:00.000Z') =>
    canonical({
      id: `placed-${orderId}`,
      type: 'order.placed',
      occurredAt: at,
      identity: customer,
      data: { orderId, lines: [line('p-1', amount)], total: usd(amount) },
    });
  const refunded = (orderId: string, refundId: string, amount: string) =>
    canonical({
      id: `refund-${refundId}`,
      type: 'order.refunded',
      occurredAt: '2024-06-05T10:00:00.000Z',
      identity: { orderId },
      data: { orderId, refundId, amount: usd(amount) },
    });
  const start = () => emptyProfile('demo', 'customer:c-1');

  it('reduces revenue by a partial refund and counts the refund once', () => {
    // Act
    const profile = applyAll(
      [
        placed('o-1', '100.00'),
        placed('o-2', '20.00'),
        refunded('o-1', 'r-1', '30.00'),
        refunded('o-1', 'r-1', '30.00'),
      ],
      start(),
    );

    // Assess
    expect(profile.orderSummary).toMatchObject({ count: 2, totalSpent: { USD: '90.00' } });
  });

  it('takes a fully refunded order out of the count, even when the refund arrives first', () => {
    // Prepare
    const events = [placed('o-1', '100.00'), placed('o-2', '20.00'), refunded('o-1', 'r-1', '100.00')];

    // Act + Assess
    for (const order of permutations(events)) {
      expect(applyAll(order, start()).orderSummary).toMatchObject({ count: 1, totalSpent: { USD: '20.00' } });
    }
  });

  it('replaces an edited order with its newer content, whatever arrives first', () => {
    // Prepare
    const update = canonical({
      id: 'u-1',
      type: 'order.updated',
      occurredAt: '2024-06-02T10:00:00.000Z',
      identity: customer,
      data: { orderId: 'o-1', total: usd('80.00'), lines: [line('p-1', '80.00')] },
    });

    // Act + Assess
    for (const order of permutations([placed('o-1', '100.00'), update])) {
      const profile = applyAll(order, start());
      expect(profile.orderSummary).toMatchObject({ count: 1, totalSpent: { USD: '80.00' } });
    }
  });

  it('never counts an order that was already cancelled or voided when it arrived', () => {
    // Act
    const profile = applyAll(
      [
        canonical({
          id: 'p-1',
          type: 'order.placed',
          occurredAt: '2024-06-01T10:00:00.000Z',
          identity: customer,
          data: {
            orderId: 'o-1',
            lines: [line('p-1')],
            total: usd('19.00'),
            cancelledAt: '2024-06-01T10:00:00Z',
          },
        }),
      ],
      start(),
    );

    // Assess
    expect(profile.orderSummary).toMatchObject({ count: 0, totalSpent: {} });
  });

  it('keeps order lines that are no catalogue product, with their name, sku and price', () => {
    // Act
    const profile = applyAll(
      [
        canonical({
          id: 'p-1',
          type: 'order.placed',
          occurredAt: '2024-06-01T10:00:00.000Z',
          identity: customer,
          data: {
            orderId: 'o-1',
            lines: [
              line('p-1'),
              { name: 'Shipping protection', sku: 'SP-1', quantity: 1, price: usd('2.00') },
            ],
            total: usd('21.00'),
          },
        }),
      ],
      start(),
    );

    // Assess
    expect(profile.orders['o-1']?.lines).toEqual([
      { productId: 'p-1', quantity: 1, price: usd('19.00') },
      { name: 'Shipping protection', sku: 'SP-1', quantity: 1, price: usd('2.00') },
    ]);
  });

  it('gives the same summary for any arrival order of orders, refunds, updates and cancellations', () => {
    // Prepare
    const story = [
      placed('o-1', '50.00'),
      placed('o-2', '30.00', '2024-06-03T10:00:00.000Z'),
      refunded('o-1', 'r-1', '10.00'),
      refunded('o-1', 'r-2', '5.00'),
      canonical({
        id: 'c-2',
        type: 'order.cancelled',
        occurredAt: '2024-06-04T10:00:00.000Z',
        identity: customer,
        data: { orderId: 'o-2' },
      }),
    ];
    const expected = applyAll(story, start()).orderSummary;

    // Act + Assess
    fc.assert(
      fc.property(fc.shuffledSubarray([...story, ...story], { minLength: story.length * 2 }), (events) => {
        expect(applyAll(events, start()).orderSummary).toEqual(expected);
      }),
    );
    expect(expected).toMatchObject({ count: 1, totalSpent: { USD: '35.00' } });
  });
});
