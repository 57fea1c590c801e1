import { describe, expect, it } from 'vitest';
import { mapShopifyWebhook, type ShopifyWebhook } from '#ingest/domain/shopify/map-shopify-webhook.ts';
import { parseShopifyJson } from '#ingest/domain/shopify/parse-shopify-json.ts';
import { primaryEvent, stampAndParse } from '../canonical-stamp.ts';
import { shopifyRawFixture } from '../fixtures.ts';

type Payload = Record<string, unknown>;

function payloadOf(topic: string): Payload {
  return parseShopifyJson(shopifyRawFixture(topic)) as Payload;
}

function webhook(
  topic: string,
  payload: unknown = payloadOf(topic),
  extra: Partial<ShopifyWebhook> = {},
): ShopifyWebhook {
  return { topic, webhookId: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043', payload, ...extra };
}

const usd = (amount: string) => ({ amount, currency: 'USD' });

const EXPECTED_TYPES = {
  'customers/create': 'customer.registered',
  'customers/update': 'customer.updated',
  'checkouts/create': 'checkout.started',
  'checkouts/update': 'checkout.started',
  'orders/create': 'order.placed',
  'orders/fulfilled': 'order.fulfilled',
  'orders/cancelled': 'order.cancelled',
} as const;

describe('Function: mapShopifyWebhook', () => {
  describe('fixtures', () => {
    it.each(Object.entries(EXPECTED_TYPES))(
      'maps the %s fixture to %s, which passes the canonical schema once stamped',
      (topic, type) => {
        // Prepare
        const input = webhook(topic);

        // Act
        const event = primaryEvent(mapShopifyWebhook(input));

        // Assess
        expect(event).toMatchObject({ type, id: input.webhookId, version: 1 });
        expect(stampAndParse(event, 'shopify')).toMatchObject({ type, origin: 'shopify' });
      },
    );

    it('keeps a customer id above 2^53 exactly as a string', () => {
      // Prepare
      const raw = shopifyRawFixture('customers/create');
      const lossy = JSON.parse(raw) as { id: number };

      // Act
      const event = primaryEvent(mapShopifyWebhook(webhook('customers/create', parseShopifyJson(raw))));

      // Assess
      expect(event.identity.customerId).toBe('7382450393366231553');
      expect(Number.isSafeInteger(lossy.id)).toBe(false);
      expect(BigInt(lossy.id).toString()).not.toBe('7382450393366231553');
    });

    it('rejects a big id that already went through a JS number, rather than storing a wrong id', () => {
      // Prepare
      const lossy = JSON.parse(shopifyRawFixture('customers/create')) as Payload;

      // Act
      const result = mapShopifyWebhook(webhook('customers/create', lossy));

      // Assess
      expect(result).toEqual({
        kind: 'invalid',
        problems: ['id: is beyond 2^53 and has lost digits: parse the body with parseShopifyJson'],
      });
    });
  });

  describe('customers', () => {
    it('maps customers/create to customer.registered with attributes and the email consent', () => {
      // Prepare
      const input = webhook('customers/create');

      // Act
      const event = primaryEvent(mapShopifyWebhook(input));

      // Assess: SMS is not_subscribed with no date, so it records nothing.
      expect(event).toEqual({
        id: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
        occurredAt: '2024-03-08T15:15:03.000Z',
        identity: { customerId: '7382450393366231553', email: 'bob.norman@example.com' },
        type: 'customer.registered',
        version: 1,
        data: {
          attributes: { firstName: 'Bob', lastName: 'Norman', phone: '+16136120707' },
          consent: [
            {
              channel: 'email',
              purpose: 'marketing',
              status: 'granted',
              source: 'shopify:single_opt_in',
              recordedAt: '2024-03-08T15:15:02.000Z',
            },
          ],
        },
      });
    });

    it('maps customers/update to customer.updated with a revoked email and a granted SMS consent', () => {
      // Prepare
      const input = webhook('customers/update');

      // Act
      const event = primaryEvent(mapShopifyWebhook(input));

      // Assess
      expect(event.type).toBe('customer.updated');
      expect(event.data).toEqual({
        attributes: { firstName: 'Robert', lastName: 'Norman', phone: '+16136120708' },
        consent: [
          {
            channel: 'email',
            purpose: 'marketing',
            status: 'revoked',
            source: 'shopify:unsubscribed',
            recordedAt: '2024-05-21T20:42:18.000Z',
          },
          {
            channel: 'sms',
            purpose: 'marketing',
            status: 'granted',
            source: 'shopify:confirmed_opt_in',
            recordedAt: '2024-05-20T13:00:00.000Z',
          },
        ],
      });
    });

    it('carries the locale when the payload has one', () => {
      // Prepare
      const payload = { ...payloadOf('customers/update'), locale: 'fr-CA' };

      // Act
      const event = primaryEvent(mapShopifyWebhook(webhook('customers/update', payload)));

      // Assess
      expect(event.data).toMatchObject({ attributes: { locale: 'fr-CA' } });
    });

    it.each([
      [
        'pending: double opt-in not confirmed yet',
        { state: 'pending', opt_in_level: 'confirmed_opt_in', consent_updated_at: '2024-05-01T00:00:00Z' },
        [],
      ],
      [
        'not_subscribed without a date: never asked',
        { state: 'not_subscribed', opt_in_level: null, consent_updated_at: null },
        [],
      ],
      ['redacted', { state: 'redacted', opt_in_level: null, consent_updated_at: '2024-05-01T00:00:00Z' }, []],
      ['invalid', { state: 'invalid', opt_in_level: null, consent_updated_at: '2024-05-01T00:00:00Z' }, []],
      [
        'not_subscribed with a date: a dated change',
        {
          state: 'not_subscribed',
          opt_in_level: 'single_opt_in',
          consent_updated_at: '2024-05-01T00:00:00Z',
        },
        [{ status: 'revoked', source: 'shopify:not_subscribed', recordedAt: '2024-05-01T00:00:00.000Z' }],
      ],
      [
        'unsubscribed without a date, recorded at updated_at',
        { state: 'unsubscribed', opt_in_level: null, consent_updated_at: null },
        [{ status: 'revoked', source: 'shopify:unsubscribed', recordedAt: '2024-05-21T20:42:19.000Z' }],
      ],
      [
        'subscribed without an opt-in level, described by its state',
        { state: 'subscribed', opt_in_level: null, consent_updated_at: '2024-05-01T00:00:00Z' },
        [{ status: 'granted', source: 'shopify:subscribed', recordedAt: '2024-05-01T00:00:00.000Z' }],
      ],
    ])('records email consent for %s', (_, consent, expected) => {
      // Prepare
      const payload = {
        ...payloadOf('customers/update'),
        email_marketing_consent: consent,
        sms_marketing_consent: null,
      };

      // Act
      const event = primaryEvent(mapShopifyWebhook(webhook('customers/update', payload)));

      // Assess
      expect(event.data).toMatchObject({
        consent: expected.map((record) => ({ channel: 'email', purpose: 'marketing', ...record })),
      });
      expect((event.data as { consent: unknown[] }).consent).toHaveLength(expected.length);
    });

    it('rejects a malformed email, naming the field', () => {
      // Prepare
      const payload = { ...payloadOf('customers/create'), email: 'bob at example' };

      // Act
      const result = mapShopifyWebhook(webhook('customers/create', payload));

      // Assess
      expect(result).toEqual({ kind: 'invalid', problems: ['email: Invalid email address'] });
    });

    it('rejects an unreadable consent date, naming the field', () => {
      // Prepare
      const payload = {
        ...payloadOf('customers/create'),
        email_marketing_consent: {
          state: 'subscribed',
          opt_in_level: 'single_opt_in',
          consent_updated_at: 'last week',
        },
      };

      // Act
      const result = mapShopifyWebhook(webhook('customers/create', payload));

      // Assess
      expect(result).toEqual({
        kind: 'invalid',
        problems: [
          'email_marketing_consent.consent_updated_at: "last week" is not an ISO-8601 date and time with an offset',
        ],
      });
    });
  });

  describe('checkouts', () => {
    it('maps a guest checkouts/create to checkout.started identified by email and checkout token', () => {
      // Prepare
      const input = webhook('checkouts/create');

      // Act
      const event = primaryEvent(mapShopifyWebhook(input));

      // Assess: the blank SKU is left out.
      expect(event).toEqual({
        id: input.webhookId,
        occurredAt: '2024-05-21T18:03:12.000Z',
        identity: {
          anonymousId: 'shopify-checkout:c1-7f0e4bb85d0c4b6fa6a1e0f3e7b9d2c1',
          email: 'guest.shopper@example.org',
        },
        type: 'checkout.started',
        version: 1,
        data: {
          checkoutId: 'c1-7f0e4bb85d0c4b6fa6a1e0f3e7b9d2c1',
          cartId: 'Z2NwLXVzLWVhc3QxOjAxSFhZMlRTNlBL',
          // Shopify's own link back into this checkout: the cart reminder's call to action.
          recoveryUrl:
            'https://example-store.myshopify.com/62093000774/checkouts/ac/c1-7f0e4bb85d0c4b6fa6a1e0f3e7b9d2c1/recover?key=3f1a5b7c9d',
          lines: [
            {
              productId: '8204563382371139585',
              variantId: '9007199254740993',
              sku: 'G-32',
              name: 'Monopoly: 3rd Edition',
              price: usd('18.99'),
              quantity: 1,
            },
            {
              productId: '8204563382404694017',
              variantId: '45001932669975413',
              name: 'Uno Card Game',
              price: usd('3.00'),
              quantity: 2,
            },
          ],
          total: usd('24.99'),
        },
      });
    });

    it('maps checkouts/update with the customer id and the buyer currency', () => {
      // Prepare
      const input = webhook('checkouts/update');
      const cad = (amount: string) => ({ amount, currency: 'CAD' });

      // Act
      const event = primaryEvent(mapShopifyWebhook(input));

      // Assess
      expect(event.identity).toEqual({
        customerId: '7382450393366231553',
        anonymousId: 'shopify-checkout:c1-7f0e4bb85d0c4b6fa6a1e0f3e7b9d2c1',
        email: 'bob.norman@example.com',
      });
      expect(event.data).toMatchObject({
        lines: [{ productId: '8204563382371139585', price: cad('25.99'), quantity: 1 }],
        total: cad('34.37'),
      });
    });

    it('uses the shop currency when there is no presentment currency', () => {
      // Prepare
      const payload = { ...payloadOf('checkouts/update'), presentment_currency: null };

      // Act
      const event = primaryEvent(mapShopifyWebhook(webhook('checkouts/update', payload)));

      // Assess
      expect(event.data).toMatchObject({ total: usd('34.37') });
    });

    it('rejects a price with more decimal places than its currency allows, naming the line', () => {
      // Prepare
      const payload = payloadOf('checkouts/create');
      const [first, second] = payload.line_items as Payload[];
      payload.line_items = [{ ...first, price: '18.999' }, second];

      // Act
      const result = mapShopifyWebhook(webhook('checkouts/create', payload));

      // Assess
      expect(result).toEqual({
        kind: 'invalid',
        problems: ['line_items[0].price: 18.999 has more than 2 decimal places for USD'],
      });
    });

    it('fails when the checkout has no token or total, naming both', () => {
      // Prepare
      const { token: _token, total_price: _total, ...payload } = payloadOf('checkouts/create');

      // Act
      const result = mapShopifyWebhook(webhook('checkouts/create', payload));

      // Assess
      expect(result).toEqual({
        kind: 'invalid',
        problems: ['token: required (string)', 'total_price: must be a decimal amount such as "199.00"'],
      });
    });
  });

  describe('orders', () => {
    it('maps orders/create to order.placed with exact money and every id as text', () => {
      // Prepare
      const input = webhook('orders/create');

      // Act
      const event = primaryEvent(mapShopifyWebhook(input));

      // Assess
      // Assess: the order's time is when Shopify placed it (processed_at), not when it was delivered.
      expect(event).toEqual({
        id: input.webhookId,
        occurredAt: '2024-05-21T18:12:04.000Z',
        identity: {
          customerId: '7382450393366231553',
          anonymousId: 'shopify-checkout:c1-7f0e4bb85d0c4b6fa6a1e0f3e7b9d2c1',
          email: 'bob.norman@example.com',
          orderId: '5912883347622871041',
        },
        type: 'order.placed',
        version: 1,
        data: {
          orderId: '5912883347622871041',
          cartId: 'Z2NwLXVzLWVhc3QxOjAxSFhZMlRTNlBL',
          checkoutId: 'c1-7f0e4bb85d0c4b6fa6a1e0f3e7b9d2c1',
          lines: [
            {
              productId: '8204563382371139585',
              variantId: '9007199254740993',
              sku: '45790-32',
              name: 'Monopoly: 3rd Edition',
              price: usd('19.00'),
              quantity: 1,
            },
            {
              productId: '8204563382404694017',
              variantId: '45001932669975413',
              sku: '46493-32',
              name: 'Uno Card Game',
              price: usd('3.00'),
              quantity: 2,
            },
          ],
          total: usd('27.50'),
          discount: usd('2.50'),
        },
      });
    });

    it('maps orders/fulfilled to order.fulfilled', () => {
      // Prepare
      const input = webhook('orders/fulfilled');

      // Act
      const event = primaryEvent(mapShopifyWebhook(input));

      // Assess
      expect(event).toMatchObject({
        type: 'order.fulfilled',
        occurredAt: '2024-05-23T13:30:41.000Z',
        data: { orderId: '5912883347622871041' },
      });
    });

    it('maps orders/cancelled to order.cancelled with the cancel reason', () => {
      // Prepare
      const input = webhook('orders/cancelled');

      // Act
      const event = primaryEvent(mapShopifyWebhook(input));

      // Assess
      expect(event).toMatchObject({
        type: 'order.cancelled',
        data: { orderId: '5912883347622871041', reason: 'customer' },
      });
    });

    it('leaves the reason out when the cancelled order has none', () => {
      // Prepare
      const payload = { ...payloadOf('orders/cancelled'), cancel_reason: null };

      // Act
      const event = primaryEvent(mapShopifyWebhook(webhook('orders/cancelled', payload)));

      // Assess
      expect(event.data).toEqual({ orderId: '5912883347622871041' });
    });

    it('identifies a guest order by its email and checkout token', () => {
      // Prepare
      const payload = { ...payloadOf('orders/create'), customer: null };

      // Act
      const event = primaryEvent(mapShopifyWebhook(webhook('orders/create', payload)));

      // Assess
      expect(event.identity).toEqual({
        anonymousId: 'shopify-checkout:c1-7f0e4bb85d0c4b6fa6a1e0f3e7b9d2c1',
        email: 'bob.norman@example.com',
        orderId: '5912883347622871041',
      });
    });

    it.each(['orders/create', 'orders/fulfilled', 'orders/cancelled'])(
      'ignores a %s without customer, email or checkout token (a walk-in sale)',
      (topic) => {
        // Prepare
        const payload = { ...payloadOf(topic), customer: null, email: '', checkout_token: null };

        // Act
        const result = mapShopifyWebhook(webhook(topic, payload));

        // Assess
        expect(result).toEqual({
          kind: 'ignored',
          reason:
            'Shopify order 5912883347622871041 has no customer, email or checkout token to attribute it to',
        });
      },
    );

    it('keeps custom line items without a product as lines with their title, price and quantity', () => {
      // Prepare
      const payload = payloadOf('orders/create');
      const tip = {
        id: '1',
        product_id: null,
        variant_id: null,
        title: 'Tip',
        price: '5.00',
        quantity: 1,
        sku: null,
      };
      payload.line_items = [...(payload.line_items as Payload[]), tip];
      payload.total_price = '32.50';

      // Act
      const event = primaryEvent(mapShopifyWebhook(webhook('orders/create', payload)));

      // Assess: the lines add up to the whole order, the tip included.
      expect(event.data).toMatchObject({ total: usd('32.50') });
      const { lines } = event.data as { lines: { productId?: string; name?: string }[] };
      expect(lines.map((line) => line.productId)).toEqual([
        '8204563382371139585',
        '8204563382404694017',
        undefined,
      ]);
      expect(lines[2]).toEqual({ name: 'Tip', price: usd('5.00'), quantity: 1 });
    });

    it('rejects a currency that is not an ISO 4217 code', () => {
      // Prepare
      const payload = { ...payloadOf('orders/create'), currency: 'BUCKS' };

      // Act
      const result = mapShopifyWebhook(webhook('orders/create', payload));

      // Assess
      expect(result).toEqual({
        kind: 'invalid',
        problems: ['currency: "BUCKS" is not an ISO 4217 currency code'],
      });
    });
  });

  describe('envelope', () => {
    it('takes occurredAt from triggeredAt first, normalised to UTC milliseconds', () => {
      // Prepare
      const input = webhook('orders/fulfilled', payloadOf('orders/fulfilled'), {
        triggeredAt: '2024-05-21T18:12:07.123456789Z',
      });

      // Act
      const event = primaryEvent(mapShopifyWebhook(input));

      // Assess
      expect(event.occurredAt).toBe('2024-05-21T18:12:07.123Z');
    });

    it('falls back to created_at when there is neither triggeredAt nor updated_at', () => {
      // Prepare
      const payload = { ...payloadOf('orders/fulfilled'), updated_at: null };

      // Act
      const event = primaryEvent(mapShopifyWebhook(webhook('orders/fulfilled', payload)));

      // Assess
      expect(event.occurredAt).toBe('2024-05-21T18:12:05.000Z');
    });

    it('fails when there is no time at all', () => {
      // Prepare
      const payload = { ...payloadOf('orders/fulfilled'), updated_at: null, created_at: null };

      // Act
      const result = mapShopifyWebhook(webhook('orders/fulfilled', payload));

      // Assess
      expect(result).toEqual({
        kind: 'invalid',
        problems: ['updated_at: required when there is no X-Shopify-Triggered-At (nor created_at)'],
      });
    });

    it('rejects an unreadable triggeredAt, naming the header', () => {
      // Prepare
      const input = webhook('orders/fulfilled', payloadOf('orders/fulfilled'), { triggeredAt: 'now' });

      // Act
      const result = mapShopifyWebhook(input);

      // Assess
      expect(result).toEqual({
        kind: 'invalid',
        problems: [
          'triggeredAt (X-Shopify-Triggered-At): "now" is not an ISO-8601 date and time with an offset',
        ],
      });
    });

    it('rejects a blank webhook id', () => {
      // Prepare
      const input = webhook('orders/create', payloadOf('orders/create'), { webhookId: '  ' });

      // Act
      const result = mapShopifyWebhook(input);

      // Assess
      expect(result).toEqual({
        kind: 'invalid',
        problems: [expect.stringMatching(/^webhookId \(X-Shopify-Webhook-Id\): /)],
      });
    });

    it('reads the topic regardless of case and surrounding spaces', () => {
      // Prepare
      const input = webhook(' ORDERS/CREATE ', payloadOf('orders/create'));

      // Act
      const event = primaryEvent(mapShopifyWebhook(input));

      // Assess
      expect(event.type).toBe('order.placed');
    });

    it.each(['products/update', 'customers/redact', 'app/uninstalled', 'orders/edited'])(
      'ignores the topic %s',
      (topic) => {
        // Prepare
        const input = webhook(topic, { id: '1' });

        // Act
        const result = mapShopifyWebhook(input);

        // Assess
        expect(result).toEqual({
          kind: 'ignored',
          reason: `Shopify topic "${topic}" has no canonical event`,
        });
      },
    );

    it('rejects a body that is not a JSON object', () => {
      // Prepare
      const input = webhook('orders/create', [1, 2, 3]);

      // Act
      const result = mapShopifyWebhook(input);

      // Assess
      expect(result).toEqual({
        kind: 'invalid',
        problems: ['(root): a Shopify webhook body must be a JSON object'],
      });
    });
  });
});

describe('Function: mapShopifyWebhook (the topic header against the signed body)', () => {
  it.each([
    ['orders/cancelled', 'orders/create', 'the order has no cancelled_at'],
    ['customers/update', 'orders/create', 'an order, checkout or refund, not a customer'],
    ['orders/create', 'documented/refunds-create', 'not an order'],
    ['refunds/create', 'orders/create', 'not a refund'],
    ['checkouts/update', 'orders/create', 'an order or refund, not a checkout'],
    ['orders/fulfilled', 'customers/create', 'not an order'],
  ])('refuses a %s header on the signed body of %s (%s)', (topic, bodyOf, why) => {
    // Act: a signed body re-sent with another topic header (the HMAC covers only the body)
    const result = mapShopifyWebhook(webhook(topic, payloadOf(bodyOf)));

    // Assess
    expect(result).toEqual({
      kind: 'invalid',
      problems: [`X-Shopify-Topic: ${topic} does not match the body (${why})`],
    });
  });

  it.each([
    ['orders/create', 'orders/create'],
    ['orders/cancelled', 'orders/cancelled'],
    ['orders/fulfilled', 'orders/fulfilled'],
    ['customers/update', 'customers/update'],
    ['checkouts/update', 'checkouts/update'],
    ['refunds/create', 'documented/refunds-create'],
    ['orders/paid', 'documented/orders-paid'],
  ])('takes a %s body under its own topic (%s)', (topic, bodyOf) => {
    // Act
    const result = mapShopifyWebhook(webhook(topic, payloadOf(bodyOf)), {
      acceptTestOrders: true,
      defaultCurrency: 'USD',
    });

    // Assess
    expect(result.kind).not.toBe('invalid');
  });
});
