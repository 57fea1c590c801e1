import { describe, expect, it } from 'vitest';
import { mapSegmentMessage } from '#ingest/domain/segment/map-segment-message.ts';
import { onlyEvent, stampAndParse } from '../canonical-stamp.ts';
import { ecommerceExample, ecommerceExamples } from '../fixtures.ts';

const options = { receivedAt: '2024-06-01T12:00:00.000Z', defaultCurrency: 'USD' };

function track(event: string, properties: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    type: 'track',
    messageId: 'msg-1',
    userId: 'user-1',
    anonymousId: 'anon-1',
    timestamp: '2024-06-01T10:00:00.000Z',
    event,
    properties,
    ...extra,
  };
}

const monopoly = {
  productId: '507f1f77bcf86cd799439011',
  sku: '45790-32',
  name: 'Monopoly: 3rd Edition',
  category: 'Games',
  url: 'https://www.example.com/product/path',
  imageUrl: 'https://www.example.com/product/path.jpg',
};
const uno = {
  productId: '505bd76785ebb509fc183733',
  sku: '46493-32',
  name: 'Uno Card Game',
  category: 'Games',
};
const usd = (amount: string) => ({ amount, currency: 'USD' });

/** What each E-commerce v2 example becomes: a canonical type, or undefined for ignored. */
const EXPECTED_TYPES: Record<string, string | undefined> = {
  'Product Viewed': 'product.viewed',
  'Product Added': 'cart.updated',
  'Product Removed': 'cart.updated',
  'Wishlist Product Added to Cart': 'cart.updated',
  'Cart Viewed': 'cart.updated',
  'Checkout Started': 'checkout.started',
  'Order Completed': 'order.placed',
  'Order Updated': 'order.updated',
  'Order Refunded': 'order.refunded',
  'Order Cancelled': 'order.cancelled',
};

describe('Function: mapSegmentMessage', () => {
  describe('E-commerce v2 spec examples', () => {
    const examples = ecommerceExamples();

    it('covers all 28 examples of the spec', () => {
      // Prepare
      const names = examples.map((example) => example.event);

      // Act
      const distinct = new Set(names);

      // Assess
      expect(distinct.size).toBe(28);
      for (const event of Object.keys(EXPECTED_TYPES)) expect(names).toContain(event);
    });

    it.each(examples.map((example) => [example.event, example] as const))(
      'maps or ignores the spec example of %s as expected, and mapped ones pass the canonical schema',
      (event, example) => {
        // Prepare
        const expectedType = EXPECTED_TYPES[event];

        // Act
        const result = mapSegmentMessage(example.http_api_track_body, options);

        // Assess
        if (expectedType === undefined) {
          expect(result).toEqual({ kind: 'ignored', reason: expect.stringContaining(`"${event}"`) });
          return;
        }
        const mapped = onlyEvent(result);
        expect(mapped.type).toBe(expectedType);
        expect(stampAndParse(mapped, 'segment')).toMatchObject({
          type: expectedType,
          origin: 'segment',
          version: 1,
        });
      },
    );
  });

  describe('Order Completed', () => {
    it('maps Order Completed to order.placed with exact money', () => {
      // Prepare
      const { http_api_track_body: body } = ecommerceExample('Order Completed');

      // Act
      const event = onlyEvent(mapSegmentMessage(body, options));

      // Assess
      expect(event).toEqual({
        id: expect.stringMatching(/^segment:sha256:[0-9a-f]{64}$/),
        occurredAt: '2012-12-02T00:30:12.984Z',
        identity: { customerId: '019mr8mf4r' },
        type: 'order.placed',
        version: 1,
        data: {
          orderId: '50314b8e9bcf000000000000',
          checkoutId: 'fksdjfsdjfisjf9sdfjsd9f',
          lines: [
            { ...monopoly, price: usd('19.00'), quantity: 1 },
            { ...uno, price: usd('3.00'), quantity: 2 },
          ],
          total: usd('27.50'),
          discount: usd('2.50'),
        },
      });
    });

    it('takes the total from revenue when total is absent', () => {
      // Prepare
      const message = track('Order Completed', { order_id: 'o-1', revenue: 22.5, products: [] });

      // Act
      const event = onlyEvent(mapSegmentMessage(message, options));

      // Assess
      expect(event.data).toEqual({ orderId: 'o-1', lines: [], total: usd('22.50') });
    });

    it('computes the total from its lines in minor units when neither total nor revenue is given', () => {
      // Prepare
      const products = [
        { product_id: 'p-1', price: 0.1 },
        { product_id: 'p-2', price: 0.2 },
      ];
      const message = track('Order Completed', { order_id: 'o-1', products, cart_id: 'cart-9' });

      // Act
      const event = onlyEvent(mapSegmentMessage(message, options));

      // Assess: binary floats would give 0.30000000000000004.
      expect(0.1 + 0.2).not.toBe(0.3);
      expect(event.data).toMatchObject({ orderId: 'o-1', cartId: 'cart-9', total: usd('0.30') });
    });

    it('writes amounts with the minor digits of the currency', () => {
      // Prepare
      const message = track('Order Completed', {
        order_id: 'o-1',
        currency: 'jpy',
        total: 1500,
        products: [{ product_id: 'p-1', price: 1500 }],
      });

      // Act
      const event = onlyEvent(mapSegmentMessage(message, options));

      // Assess
      expect(event.data).toMatchObject({
        total: { amount: '1500', currency: 'JPY' },
        lines: [{ productId: 'p-1', price: { amount: '1500', currency: 'JPY' }, quantity: 1 }],
      });
    });

    it('reads decimal-string amounts exactly', () => {
      // Prepare
      const message = track('Order Completed', { order_id: 'o-1', total: '27.5', products: [] });

      // Act
      const event = onlyEvent(mapSegmentMessage(message, options));

      // Assess
      expect(event.data).toMatchObject({ total: usd('27.50') });
    });

    it('fails when order_id is missing', () => {
      // Prepare
      const message = track('Order Completed', { total: 10, products: [] });

      // Act
      const result = mapSegmentMessage(message, options);

      // Assess
      expect(result).toEqual({
        kind: 'invalid',
        problems: ['properties.order_id: required for Order Completed'],
      });
    });

    it('rejects a price with more decimal places than its currency allows, naming the field', () => {
      // Prepare
      const message = track('Order Completed', {
        order_id: 'o-1',
        total: 20,
        currency: 'USD',
        products: [{ product_id: 'p-1', price: 19.999 }],
      });

      // Act
      const result = mapSegmentMessage(message, options);

      // Assess
      expect(result).toEqual({
        kind: 'invalid',
        problems: ['properties.products[0].price: 19.999 has more than 2 decimal places for USD'],
      });
    });

    it('reports every problem of a message at once', () => {
      // Prepare
      const message = track('Order Completed', {
        total: 1.234,
        products: [{ product_id: 'p-1', price: 1.001 }, { price: 2 }],
      });

      // Act
      const result = mapSegmentMessage(message, options);

      // Assess
      expect(result).toEqual({
        kind: 'invalid',
        problems: [
          'properties.order_id: required for Order Completed',
          'properties.products[0].price: 1.001 has more than 2 decimal places for USD',
          'properties.products[1].product_id: required (or properties.products[1].id)',
          'properties.total: 1.234 has more than 2 decimal places for USD',
        ],
      });
    });

    it('rejects a quantity of zero, naming the product', () => {
      // Prepare
      const message = track('Order Completed', {
        order_id: 'o-1',
        products: [{ product_id: 'p-1', quantity: 0 }],
      });

      // Act
      const result = mapSegmentMessage(message, options);

      // Assess
      expect(result).toEqual({
        kind: 'invalid',
        problems: [expect.stringMatching(/^properties\.products\[0\]\.quantity: /)],
      });
    });

    it('rejects an amount that is not a number', () => {
      // Prepare
      const message = track('Order Completed', { order_id: 'o-1', total: 'twenty', products: [] });

      // Act
      const result = mapSegmentMessage(message, options);

      // Assess
      expect(result).toEqual({
        kind: 'invalid',
        problems: ['properties.total: must be a number such as 27.5'],
      });
    });
  });

  describe('Product Viewed, Added and Removed', () => {
    it('maps Product Viewed to product.viewed, reading the spec example lowercase currency', () => {
      // Prepare
      const { http_api_track_body: body } = ecommerceExample('Product Viewed');

      // Act
      const event = onlyEvent(mapSegmentMessage(body, { ...options, defaultCurrency: 'EUR' }));

      // Assess
      expect(event.type).toBe('product.viewed');
      expect(event.data).toEqual({
        product: {
          productId: '507f1f77bcf86cd799439011',
          sku: 'G-32',
          name: 'Monopoly: 3rd Edition',
          category: 'Games',
          price: usd('18.99'),
          url: 'https://www.example.com/product/path',
          imageUrl: 'https://www.example.com/product/path.jpg',
        },
      });
    });

    it('maps Product Added to a cart change that adds one line', () => {
      // Prepare
      const { http_api_track_body: body } = ecommerceExample('Product Added');

      // Act
      const event = onlyEvent(mapSegmentMessage(body, options));

      // Assess
      expect(event.type).toBe('cart.updated');
      expect(event.data).toEqual({
        cartId: 'skdjsidjsdkdj29j',
        change: {
          action: 'added',
          line: {
            productId: '507f1f77bcf86cd799439011',
            sku: 'G-32',
            name: 'Monopoly: 3rd Edition',
            category: 'Games',
            price: usd('18.99'),
            quantity: 1,
            url: 'https://www.example.com/product/path',
            imageUrl: 'https://www.example.com/product/path.jpg',
          },
        },
      });
    });

    it('maps Product Removed to a cart change that removes the line', () => {
      // Prepare
      const { http_api_track_body: body } = ecommerceExample('Product Removed');

      // Act
      const event = onlyEvent(mapSegmentMessage(body, options));

      // Assess
      expect(event.data).toMatchObject({
        cartId: 'ksjdj92dj29dj92d2j',
        change: { action: 'removed', line: { productId: '507f1f77bcf86cd799439011', quantity: 1 } },
      });
    });

    it('maps Wishlist Product Added to Cart to a cart change that adds the line', () => {
      // Prepare
      const { http_api_track_body: body } = ecommerceExample('Wishlist Product Added to Cart');

      // Act
      const event = onlyEvent(mapSegmentMessage(body, options));

      // Assess
      expect(event.data).toMatchObject({ cartId: '99j2d92j9dj29dj29d2d', change: { action: 'added' } });
    });

    it('gives a cart without cart_id an anon-cart id from the anonymousId', () => {
      // Prepare
      const message = track('Product Added', { product_id: 'p-1', price: 5, quantity: 2 });

      // Act
      const event = onlyEvent(mapSegmentMessage(message, options));

      // Assess
      expect(event.data).toEqual({
        cartId: 'anon-cart:anon-1',
        change: { action: 'added', line: { productId: 'p-1', price: usd('5.00'), quantity: 2 } },
      });
    });

    it('falls back to the userId for the anon-cart id when there is no anonymousId', () => {
      // Prepare
      const message = track('Product Removed', { product_id: 'p-1' }, { anonymousId: undefined });

      // Act
      const event = onlyEvent(mapSegmentMessage(message, options));

      // Assess
      expect(event.data).toMatchObject({ cartId: 'anon-cart:user-1' });
    });

    it('accepts a numeric product id as its text and takes `id` when product_id is absent', () => {
      // Prepare
      const message = track('Product Viewed', { id: 1234, sku: 5678 });

      // Act
      const event = onlyEvent(mapSegmentMessage(message, options));

      // Assess
      expect(event.data).toEqual({ product: { productId: '1234', sku: '5678' } });
    });

    it('drops a relative url instead of losing the event', () => {
      // Prepare
      const message = track('Product Viewed', {
        product_id: 'p-1',
        url: '/products/p-1',
        image_url: 'not a url',
      });

      // Act
      const event = onlyEvent(mapSegmentMessage(message, options));

      // Assess
      expect(event.data).toEqual({ product: { productId: 'p-1' } });
    });

    it.each([
      'shop.example:8080/products/p-1',
      'localhost:3000/p-1.png',
      'http:shop.example/p-1',
      '//cdn.example/p-1.png',
      '',
    ])('also drops the sloppy link %j', (link) => {
      // Prepare
      const message = track('Product Viewed', { product_id: 'p-1', url: link, image_url: link });

      // Act
      const event = onlyEvent(mapSegmentMessage(message, options));

      // Assess
      expect(event.data).toEqual({ product: { productId: 'p-1' } });
    });

    it.each([
      'javascript:alert(document.cookie)',
      '  JAVASCRIPT:alert(1)',
      'java\tscript:alert(1)',
      'javascript:0,alert(1)',
      'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      'ftp://files.example/p-1.png',
    ])('rejects the link %j with another scheme as hostile, naming the field', (link) => {
      // Prepare
      const message = track('Product Viewed', { product_id: 'p-1', url: link, image_url: link });

      // Act
      const result = mapSegmentMessage(message, options);

      // Assess
      expect(result).toEqual({
        kind: 'invalid',
        problems: ['properties.url: must be an http(s) URL', 'properties.image_url: must be an http(s) URL'],
      });
    });

    it("rejects an order whose product's image_url runs script, naming the product", () => {
      // Prepare
      const message = track('Order Completed', {
        order_id: 'o-1',
        currency: 'USD',
        products: [
          { product_id: 'p-1', price: 5, image_url: 'https://cdn.example/p-1.png' },
          { product_id: 'p-2', price: 5, image_url: 'javascript:alert(1)' },
        ],
      });

      // Act
      const result = mapSegmentMessage(message, options);

      // Assess
      expect(result).toEqual({
        kind: 'invalid',
        problems: ['properties.products[1].image_url: must be an http(s) URL'],
      });
    });

    it('fails when the product has neither product_id nor id', () => {
      // Prepare
      const message = track('Product Viewed', { name: 'Mystery box' });

      // Act
      const result = mapSegmentMessage(message, options);

      // Assess
      expect(result).toEqual({
        kind: 'invalid',
        problems: ['properties.product_id: required (or properties.id)'],
      });
    });

    it('rejects fractional yen, naming the field', () => {
      // Prepare
      const message = track('Product Added', { product_id: 'p-1', price: 100.5, currency: 'JPY' });

      // Act
      const result = mapSegmentMessage(message, options);

      // Assess
      expect(result).toEqual({
        kind: 'invalid',
        problems: ['properties.price: 100.5 has more than 0 decimal places for JPY'],
      });
    });

    it('rejects a currency that is not an ISO 4217 code', () => {
      // Prepare
      const message = track('Product Viewed', { product_id: 'p-1', price: 1, currency: 'dollars' });

      // Act
      const result = mapSegmentMessage(message, options);

      // Assess
      expect(result).toEqual({
        kind: 'invalid',
        problems: ['properties.currency: "dollars" is not an ISO 4217 currency code'],
      });
    });
  });

  describe('Cart Viewed and Checkout Started', () => {
    it('maps Cart Viewed to a snapshot totalled exactly from its lines in the store currency', () => {
      // Prepare
      const { http_api_track_body: body } = ecommerceExample('Cart Viewed');
      const eur = (amount: string) => ({ amount, currency: 'EUR' });

      // Act
      const event = onlyEvent(mapSegmentMessage(body, { ...options, defaultCurrency: 'EUR' }));

      // Assess: the example names no currency and no quantities.
      expect(event.data).toEqual({
        cartId: 'd92jd29jd92jd29j92d92jd',
        lines: [
          { ...monopoly, price: eur('19.00'), quantity: 1 },
          { ...uno, price: eur('3.00'), quantity: 1 },
        ],
        total: eur('22.00'),
      });
    });

    it('takes the Cart Viewed total from value when given', () => {
      // Prepare
      const message = track('Cart Viewed', {
        cart_id: 'c-1',
        value: 18.5,
        products: [{ product_id: 'p-1', price: 20 }],
      });

      // Act
      const event = onlyEvent(mapSegmentMessage(message, options));

      // Assess
      expect(event.data).toMatchObject({ cartId: 'c-1', total: usd('18.50') });
    });

    it('fails when the total must be computed but a product has no price', () => {
      // Prepare
      const message = track('Cart Viewed', {
        cart_id: 'c-1',
        products: [{ product_id: 'p-1', price: 2 }, { product_id: 'p-2' }],
      });

      // Act
      const result = mapSegmentMessage(message, options);

      // Assess
      expect(result).toEqual({
        kind: 'invalid',
        problems: [
          'properties.products[1].price: required to compute the total when properties.value is absent',
        ],
      });
    });

    it('rejects a cart with more lines than the canonical contract allows', () => {
      // Prepare
      const products = Array.from({ length: 501 }, (_, index) => ({ product_id: `p-${index}`, price: 1 }));
      const message = track('Cart Viewed', { cart_id: 'c-1', products });

      // Act
      const result = mapSegmentMessage(message, options);

      // Assess
      expect(result).toEqual({
        kind: 'invalid',
        problems: [expect.stringMatching(/^canonical cart\.updated event, data\.lines: /)],
      });
    });

    it('maps Checkout Started to checkout.started with value as its total, and order_id as its id and the order it announces', () => {
      // Prepare
      const { http_api_track_body: body } = ecommerceExample('Checkout Started');

      // Act
      const event = onlyEvent(mapSegmentMessage(body, options));

      // Assess
      expect(event.type).toBe('checkout.started');
      expect(event.data).toEqual({
        checkoutId: '50314b8e9bcf000000000000',
        orderId: '50314b8e9bcf000000000000',
        lines: [
          { ...monopoly, price: usd('19.00'), quantity: 1 },
          { ...uno, price: usd('3.00'), quantity: 2 },
        ],
        total: usd('30.00'),
      });
    });

    it('prefers checkout_id and carries cart_id', () => {
      // Prepare
      const message = track('Checkout Started', {
        checkout_id: 'co-1',
        order_id: 'o-1',
        cart_id: 'c-1',
        value: 5,
      });

      // Act
      const event = onlyEvent(mapSegmentMessage(message, options));

      // Assess
      expect(event.data).toEqual({
        checkoutId: 'co-1',
        cartId: 'c-1',
        orderId: 'o-1',
        lines: [],
        total: usd('5.00'),
      });
    });

    it('falls back to the messageId for the checkout id', () => {
      // Prepare
      const message = track('Checkout Started', { value: 5 });

      // Act
      const event = onlyEvent(mapSegmentMessage(message, options));

      // Assess
      expect(event.data).toMatchObject({ checkoutId: 'msg-1' });
    });

    it.each([
      ['revenue when value is absent', { revenue: 25, total: 30 }, '25.00'],
      ['total when value and revenue are absent', { total: 30 }, '30.00'],
    ])('takes the Checkout Started total from %s', (_, amounts, expected) => {
      // Prepare
      const message = track('Checkout Started', { order_id: 'o-1', ...amounts });

      // Act
      const event = onlyEvent(mapSegmentMessage(message, options));

      // Assess
      expect(event.data).toMatchObject({ total: usd(expected) });
    });
  });

  describe('Order Cancelled and Signed Up', () => {
    it('maps Order Cancelled to order.cancelled with its reason', () => {
      // Prepare
      const message = track('Order Cancelled', { order_id: 'o-1', reason: 'changed mind' });

      // Act
      const event = onlyEvent(mapSegmentMessage(message, options));

      // Assess
      expect(event).toMatchObject({
        type: 'order.cancelled',
        data: { orderId: 'o-1', reason: 'changed mind' },
      });
    });

    it('maps Signed Up to customer.registered with the account fields', () => {
      // Prepare
      const message = track(
        'Signed Up',
        { first_name: 'Peter', last_name: 'Gibbons', email: 'peter@example.com', phone: '+1 555 0100' },
        { context: { locale: 'en-US', timezone: 'America/Chicago' } },
      );

      // Act
      const event = onlyEvent(mapSegmentMessage(message, options));

      // Assess
      expect(event).toEqual({
        id: 'msg-1',
        occurredAt: '2024-06-01T10:00:00.000Z',
        identity: { customerId: 'user-1', anonymousId: 'anon-1', email: 'peter@example.com' },
        type: 'customer.registered',
        version: 1,
        data: {
          attributes: {
            firstName: 'Peter',
            lastName: 'Gibbons',
            phone: '+1 555 0100',
            locale: 'en-US',
            timeZone: 'America/Chicago',
          },
          consent: [],
        },
      });
    });
  });

  describe('event names', () => {
    it.each(['order_completed', 'ORDER COMPLETED', 'order-completed', '  Order   Completed '])(
      'recognises "%s" as Order Completed',
      (name) => {
        // Prepare
        const message = track(name, { order_id: 'o-1', total: 1 });

        // Act
        const event = onlyEvent(mapSegmentMessage(message, options));

        // Assess
        expect(event.type).toBe('order.placed');
      },
    );

    it.each(['Products Searched', 'Coupon Applied', 'Product List Viewed', 'Product Added to Wishlist'])(
      'ignores %s as an e-commerce event with no canonical counterpart',
      (name) => {
        // Prepare
        const message = track(name, {});

        // Act
        const result = mapSegmentMessage(message, options);

        // Assess
        expect(result).toEqual({
          kind: 'ignored',
          reason: `Segment e-commerce event "${name}" has no canonical counterpart`,
        });
      },
    );

    it('ignores a track event outside the specs without judging its properties', () => {
      // Prepare
      const message = track('Song Played', { price: 'not a number', email: 'not an email' });

      // Act
      const result = mapSegmentMessage(message, options);

      // Assess
      expect(result).toEqual({
        kind: 'ignored',
        reason: 'track event "Song Played" is not one that maps to a canonical event',
      });
    });
  });
});
