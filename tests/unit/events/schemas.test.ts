import { describe, expect, it } from 'vitest';
import { canonicalEventSchema } from '#events/schemas.ts';

const base = {
  id: 'evt-1',
  occurredAt: '2026-05-01T10:00:00+02:00',
  storeId: 'demo',
  origin: 'api',
  version: 1,
  identity: { customerId: 'c-1' },
};

describe('Schema: canonicalEventSchema', () => {
  it('accepts an order with exact money and normalises the currency code', () => {
    // Act
    const parsed = canonicalEventSchema.parse({
      ...base,
      type: 'order.placed',
      data: {
        orderId: 'o-1',
        lines: [{ productId: 'p', quantity: 1 }],
        total: { amount: '10.00', currency: 'eur' },
      },
    });

    // Assess
    expect(parsed.type === 'order.placed' && parsed.data.total).toEqual({ amount: '10.00', currency: 'EUR' });
  });

  it('accepts a cart as a whole snapshot or as one changed line, but not both', () => {
    // Prepare
    const line = { productId: 'p', quantity: 1 };
    const cart = (data: unknown) => canonicalEventSchema.safeParse({ ...base, type: 'cart.updated', data });

    // Act + Assess
    expect(cart({ cartId: 'k', lines: [line], total: { amount: '1', currency: 'USD' } }).success).toBe(true);
    expect(cart({ cartId: 'k', change: { action: 'added', line } }).success).toBe(true);
    expect(cart({ cartId: 'k', lines: [line], change: { action: 'added', line } }).success).toBe(false);
  });

  it.each([
    ['no identity', { identity: {} }, 'identity'],
    ['an unknown type', { type: 'order.teleported' }, 'type'],
    [
      'a float price with too many digits',
      { data: { product: { productId: 'p', price: { amount: '1.005', currency: 'USD' } } } },
      'amount',
    ],
    [
      'an unknown currency',
      { data: { product: { productId: 'p', price: { amount: '1', currency: 'ABC' } } } },
      'currency',
    ],
    ['a time without offset', { occurredAt: '2026-05-01 10:00' }, 'occurredAt'],
    [
      'a bad time zone',
      { type: 'customer.updated', data: { attributes: { timeZone: 'Mars/Base' } } },
      'timeZone',
    ],
  ])('fails for %s, naming the field', (_, change, field) => {
    // Act
    const result = canonicalEventSchema.safeParse({
      ...base,
      type: 'product.viewed',
      data: { product: { productId: 'p' } },
      ...change,
    });

    // Assess
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(field);
  });

  describe('product url and imageUrl', () => {
    const viewed = (product: Record<string, unknown>) =>
      canonicalEventSchema.safeParse({
        ...base,
        type: 'product.viewed',
        data: { product: { productId: 'p', ...product } },
      });

    it.each([
      'https://shop.example/products/p',
      'http://localhost:3000/images/p.png',
      'HTTPS://SHOP.EXAMPLE/P.PNG',
    ])('accepts the absolute http(s) URL %s', (url) => {
      // Act
      const result = viewed({ url, imageUrl: url });

      // Assess
      expect(result.error?.issues).toBeUndefined();
    });

    it.each([
      'javascript:alert(1)',
      ' JavaScript:alert(1)',
      'java\tscript:alert(1)',
      'data:image/svg+xml,<svg onload="alert(1)"/>',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      'ftp://files.example/p.png',
      'http:shop.example/p.png',
      '//cdn.example/p.png',
      '/images/p.png',
    ])('rejects %j as not an http(s) URL, naming the field', (url) => {
      // Act
      const result = viewed({ url, imageUrl: url });

      // Assess
      expect(result.error?.issues.map(({ path, message }) => ({ path, message }))).toEqual([
        { path: ['data', 'product', 'url'], message: 'must be an http(s) URL' },
        { path: ['data', 'product', 'imageUrl'], message: 'must be an http(s) URL' },
      ]);
    });

    it('still reports an over-long URL as too long', () => {
      // Act
      const result = viewed({ imageUrl: `https://shop.example/${'a'.repeat(2048)}` });

      // Assess
      expect(result.error?.issues).toMatchObject([
        { code: 'too_big', path: ['data', 'product', 'imageUrl'] },
      ]);
    });
  });
});
