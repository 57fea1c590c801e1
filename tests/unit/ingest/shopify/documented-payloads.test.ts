/**
 * Shopify's own published sample payloads (tests/fixtures/shopify/documented, see its SOURCE.md), as
 * "Send test notification" delivers them: the shapes a store's webhooks really have.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mapShopifyWebhook, type ShopifyStoreOptions } from '#ingest/domain/shopify/map-shopify-webhook.ts';
import { parseShopifyJson } from '#ingest/domain/shopify/parse-shopify-json.ts';
import { mappedEvents, stampAndParse } from '../canonical-stamp.ts';

const DOCUMENTED = new URL('../../../fixtures/shopify/documented/', import.meta.url);

function documented(file: string): unknown {
  return parseShopifyJson(readFileSync(new URL(file, DOCUMENTED), 'utf8'));
}

const LIVE_STORE: ShopifyStoreOptions = { acceptTestOrders: false, defaultCurrency: 'USD' };
const TRYING_OUT: ShopifyStoreOptions = { acceptTestOrders: true, defaultCurrency: 'USD' };
const usd = (amount: string) => ({ amount, currency: 'USD' });

function map(topic: string, file: string, options: ShopifyStoreOptions) {
  return mapShopifyWebhook({ topic, webhookId: `wh-${topic}`, payload: documented(file) }, options);
}

describe("Function: mapShopifyWebhook with Shopify's documented samples", () => {
  it('ignores the documented orders/create (a test order) for a store that does not accept test orders', () => {
    // Act
    const result = map('orders/create', 'orders-create.json', LIVE_STORE);

    // Assess
    expect(result).toEqual({
      kind: 'ignored',
      reason: 'Shopify order 820982911946154508 is a test order; this store does not accept test orders',
    });
  });

  it('maps the documented orders/create with every line, the custom ones too, placed at processed_at and cancelled', () => {
    // Act
    const [order, consent, ...rest] = mappedEvents(map('orders/create', 'orders-create.json', TRYING_OUT));

    // Assess: five lines, two of them no catalogue product (a protection plan, a case).
    expect(rest).toEqual([]);
    expect(order).toMatchObject({
      type: 'order.placed',
      occurredAt: '2022-01-01T00:00:00.000Z',
      identity: { customerId: '115310627314723954', email: 'jon@example.com', orderId: '820982911946154508' },
      data: {
        orderId: '820982911946154508',
        total: usd('404.95'),
        // voided, and cancelled_at set: a real order that is no revenue and starts no mail.
        cancelledAt: '2022-01-01T00:00:00.000Z',
      },
    });
    const lines = (
      (order as { data: unknown }).data as { lines: { productId?: string; name?: string; sku?: string }[] }
    ).lines;
    expect(lines.map((line) => [line.productId, line.name, line.sku])).toEqual([
      ['788032119674292922', 'Aviator sunglasses', 'SKU2006-001'],
      [undefined, 'Lens Protection Plan (2 Year)', 'LENS-PROTECT-2YR'],
      [undefined, 'Premium Leather Case', 'CASE-LEATHER-PREM'],
      ['788032119674292922', 'Mid-century lounger', 'SKU2006-020'],
      ['788032119674292922', 'Coffee table', 'SKU2006-035'],
    ]);
    // buyer_accepts_marketing: true is the checkout's ticked box, recorded as consent with its source.
    expect(consent).toMatchObject({
      id: 'wh-orders/create#consent',
      type: 'customer.updated',
      data: {
        consent: [{ channel: 'email', status: 'granted', source: 'shopify:checkout-checkbox' }],
      },
    });
    for (const event of [order, consent])
      expect(() => stampAndParse(event as never, 'shopify')).not.toThrow();
  });

  it.each([
    ['orders/updated', 'orders-updated.json'],
    ['orders/paid', 'orders-paid.json'],
  ])('maps the documented %s to order.updated, the order as it now is', (topic, file) => {
    // Act
    const [event, ...rest] = mappedEvents(map(topic, file, TRYING_OUT));

    // Assess
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      type: 'order.updated',
      identity: { orderId: '820982911946154508' },
      data: {
        orderId: '820982911946154508',
        placedAt: '2022-01-01T00:00:00.000Z',
        total: usd('404.95'),
        cancelledAt: '2022-01-01T00:00:00.000Z',
      },
    });
    expect(stampAndParse(event as never, 'shopify').type).toBe('order.updated');
  });

  it('maps the documented refunds/create to order.refunded: the successful refund transactions, found through the order', () => {
    // Act
    const [event, ...rest] = mappedEvents(map('refunds/create', 'refunds-create.json', LIVE_STORE));

    // Assess: 75.00 + 10.00 went back; the payload names no customer, only the order.
    expect(rest).toEqual([]);
    expect(event).toEqual({
      id: 'wh-refunds/create',
      occurredAt: '2022-01-01T00:00:00.000Z',
      identity: { orderId: '820982911946154508' },
      type: 'order.refunded',
      version: 1,
      data: { orderId: '820982911946154508', refundId: '890088186047892319', amount: usd('85.00') },
    });
    expect(stampAndParse(event as never, 'shopify').type).toBe('order.refunded');
  });

  it("maps the documented checkouts/create with Shopify's recovery link and every line", () => {
    // Act
    const [event, ...rest] = mappedEvents(map('checkouts/create', 'checkouts-create.json', LIVE_STORE));

    // Assess: buyer_accepts_marketing is false, which is the default and no decision: no consent event.
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      type: 'checkout.started',
      identity: { anonymousId: 'shopify-checkout:123123123' },
      data: {
        checkoutId: '123123123',
        cartId: 'eeafa272cebfd4b22385bc4b645e762c',
        recoveryUrl: 'https://checkout.local/548380009/checkouts/123123123/recover?key=example-secret-token',
      },
    });
    expect(stampAndParse(event as never, 'shopify').type).toBe('checkout.started');
  });

  it('maps the documented customers/create, which carries no marketing consent, to a registration without consent', () => {
    // Act
    const [event] = mappedEvents(map('customers/create', 'customers-create.json', LIVE_STORE));

    // Assess
    expect(event).toMatchObject({ type: 'customer.registered', data: { consent: [] } });
  });
});
