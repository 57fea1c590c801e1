import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '#events/schemas.ts';
import { applyEvent } from '#profiles/domain/apply-event.ts';
import { profileBytes } from '#profiles/domain/fit-profile.ts';
import { mergeProfiles } from '#profiles/domain/merge-profiles.ts';
import { emptyProfile, type Profile } from '#profiles/domain/profile.ts';
import { canonical, usd } from '#tests/helpers/events.ts';

/** DynamoDB's item limit. */
const ITEM_LIMIT = 400 * 1024;
const long = (seed: string, length = 2048) => seed.repeat(Math.ceil(length / seed.length)).slice(0, length);
const longUrl = (seed: string) => `https://shop.example/${long(seed, 2048 - 'https://shop.example/'.length)}`;
const id128 = (seed: string) => long(`${seed}-`, 128);

/** The largest line the canonical schema accepts. */
const maximalLine = (n: number) => ({
  productId: id128(`p${n}`),
  variantId: id128(`v${n}`),
  sku: long(`sku${n}`),
  name: long(`name${n}`),
  category: long(`category${n}`),
  price: usd('99999999.99'),
  url: longUrl(`u${n}`),
  imageUrl: longUrl(`i${n}`),
  quantity: 100_000,
});

/** One schema-checked event, then copies under other ids (parsing 500 maximal lines each time is slow). */
function copies(template: CanonicalEvent, count: number, vary: (event: CanonicalEvent, n: number) => void) {
  return Array.from({ length: count }, (_, n) => {
    const event = structuredClone(template);
    vary(event, n);
    return event;
  });
}

function applyAll(events: CanonicalEvent[], start: Profile): Profile {
  return events.reduce((profile, event) => applyEvent(profile, event).profile, start);
}

describe('Rule: a profile stays below DynamoDB item limit whatever arrives', () => {
  const who = { customerId: 'c-1', anonymousId: id128('a') };
  const lines = Array.from({ length: 500 }, (_, n) => maximalLine(n));
  const order = canonical({
    id: 'o-template',
    type: 'order.placed',
    occurredAt: '2024-01-01T00:00:00.000Z',
    identity: who,
    data: { orderId: 'o', lines, total: usd('99999999.99') },
  });
  const cart = canonical({
    id: 'c-template',
    type: 'cart.updated',
    occurredAt: '2024-01-01T00:00:00.000Z',
    identity: who,
    data: { cartId: id128('cart'), lines, total: usd('99999999.99') },
  });
  const view = canonical({
    id: 'v-template',
    type: 'product.viewed',
    occurredAt: '2024-01-01T00:00:00.000Z',
    identity: who,
    data: { product: { ...maximalLine(0), quantity: undefined } },
  });

  it('keeps a customer with 40 maximal orders, a maximal cart and 60 maximal views under the limit, counting every order', () => {
    // Prepare
    const at = (n: number) => new Date(Date.UTC(2024, 0, 1) + n * 60_000).toISOString();
    const events = [
      ...copies(order, 40, (event, n) => {
        event.id = `order-${n}`;
        event.occurredAt = at(n);
        (event.data as { orderId: string }).orderId = id128(`order${n}`);
      }),
      ...copies(view, 60, (event, n) => {
        event.id = `view-${n}`;
        event.occurredAt = at(n);
        const product = (event.data as { product: { productId: string; category: string } }).product;
        product.productId = id128(`viewed${n}`);
        product.category = long(`cat${n}`);
      }),
      ...copies(cart, 3, (event, n) => {
        event.id = `cart-${n}`;
        event.occurredAt = at(1000 + n);
      }),
      // The first order again, under another event id and with another browser.
      ...copies(order, 1, (event) => {
        event.id = 'order-0-again';
        event.identity = { customerId: 'c-1', anonymousId: id128('other') };
        (event.data as { orderId: string }).orderId = id128('order0');
      }),
    ];

    // Act
    const profile = applyAll(events, emptyProfile('demo', 'customer:c-1'));

    // Assess: the item fits, with room for the table's own attributes; no order is lost from the sums.
    expect(profileBytes(profile)).toBeLessThan(ITEM_LIMIT * 0.8);
    expect(profile.orderSummary.count).toBe(40);
    expect(profile.orderSummary.totalSpent).toEqual({ USD: '3999999999.60' });
    expect(profile.lifecycle.firstOrderAt).toBe(at(0));
    expect(Object.keys(profile.categoryAffinity).length).toBeLessThanOrEqual(100);
  });

  it('counts a late repeat of an order that was folded into the archive once', () => {
    // Prepare
    const small = (n: number) =>
      canonical({
        id: `small-${n}`,
        type: 'order.placed',
        occurredAt: new Date(Date.UTC(2024, 0, 1) + n * 60_000).toISOString(),
        identity: { customerId: 'c-1' },
        data: {
          orderId: `o-${n}`,
          lines: [{ productId: 'p', quantity: 1, price: usd('1.00') }],
          total: usd('1.00'),
        },
      });
    const events = Array.from({ length: 120 }, (_, n) => small(n));

    // Act: the first order comes back under a new event id, long after it was archived.
    const profile = applyAll(
      [...events, { ...small(0), id: 'small-0-again' }],
      emptyProfile('demo', 'customer:c-1'),
    );

    // Assess
    expect(Object.keys(profile.orders)).toHaveLength(100);
    expect(profile.orderSummary).toMatchObject({ count: 120, totalSpent: { USD: '120.00' } });
  });

  it('keeps two maximal profiles folded into one under the limit', () => {
    // Prepare
    const heavy = (key: 'customer:c-1' | 'anonymous:a-1', offset: number) =>
      applyAll(
        copies(order, 40, (event, n) => {
          event.id = `${key}-order-${n}`;
          event.occurredAt = new Date(Date.UTC(2024, 0, 1) + (offset + n) * 60_000).toISOString();
          (event.data as { orderId: string }).orderId = id128(`${key}${n}`);
        }),
        emptyProfile('demo', key),
      );

    // Act
    const merged = mergeProfiles(heavy('customer:c-1', 0), heavy('anonymous:a-1', 500));

    // Assess
    expect(profileBytes(merged)).toBeLessThan(ITEM_LIMIT * 0.8);
    expect(merged.orderSummary.count).toBe(80);
  });
});

describe('Rule: keys such as constructor and __proto__ are stored like any other', () => {
  it('counts categories and orders named constructor, __proto__ and toString', () => {
    // Prepare
    const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];
    const events = names.flatMap((name, n) => [
      canonical({
        id: `view-${n}`,
        type: 'product.viewed',
        occurredAt: '2024-01-01T00:00:00.000Z',
        identity: { customerId: 'c-1' },
        data: { product: { productId: name, category: name } },
      }),
      canonical({
        id: `order-${n}`,
        type: 'order.placed',
        occurredAt: '2024-01-01T00:00:00.000Z',
        identity: { customerId: 'c-1' },
        data: {
          orderId: name,
          lines: [{ productId: name, quantity: 1, category: name }],
          total: usd('2.00'),
        },
      }),
      canonical({
        id: `refund-${n}`,
        type: 'order.refunded',
        occurredAt: '2024-01-02T00:00:00.000Z',
        identity: { orderId: name },
        data: { orderId: name, refundId: name, amount: usd('0.50') },
      }),
    ]);

    // Act
    const profile = applyAll(events, emptyProfile('demo', 'customer:c-1'));

    // Assess
    expect(Object.getPrototypeOf(profile.orders)).toBe(Object.prototype);
    expect(Object.keys(profile.orders).sort()).toEqual([...names].sort());
    expect(Object.entries(profile.categoryAffinity).sort()).toEqual(names.map((name) => [name, 4]).sort());
    expect(profile.orderSummary).toMatchObject({ count: 4, totalSpent: { USD: '6.00' } });
    const proto = '__proto__';
    const stored = JSON.parse(JSON.stringify(profile)) as typeof profile;
    expect(Object.getOwnPropertyDescriptor(stored.orders, proto)?.value.refunds[proto]).toEqual(usd('0.50'));
  });
});
