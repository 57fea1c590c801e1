import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '#tests/helpers/local-stack.ts';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(async () => {
  await stack?.close();
});

const basic = (user: string) => `Basic ${Buffer.from(`${user}:`).toString('base64')}`;
const ownAuth = () => ({ authorization: `Bearer ${stack.demo.apiKey}` });
const segmentAuth = () => ({ authorization: basic(stack.demo.segmentWriteKey) });

function shopifyHeaders(body: string): Record<string, string> {
  const signature = createHmac('sha256', stack.demo.shopifyWebhookSecret).update(body).digest('base64');
  return {
    'x-shopify-hmac-sha256': signature,
    'x-shopify-topic': 'orders/create',
    'x-shopify-webhook-id': 'wh-deep-1',
  };
}

const arrays = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const objects = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

const segmentTrack = (properties: string) =>
  `{"type":"track","event":"Product Viewed","userId":"deep-1","properties":${properties}}`;

/**
 * 100,000 levels where the route's size limit allows it; Segment's single calls take 32 KB, which
 * still holds 15,000 levels of arrays. Before the depth check, Segment's recursive message id and
 * size check overflowed the stack on these (500), and the rest were parsed and judged on their shape.
 */
const DEEP_REQUESTS: {
  route: string;
  shape: string;
  body: string;
  headers: () => Record<string, string>;
}[] = [
  { route: '/v1/events', shape: 'arrays', body: `{"events":[${arrays(100_000)}]}`, headers: ownAuth },
  {
    route: '/v1/events',
    shape: 'objects',
    body: `{"events":[{"id":"e","type":"product.viewed","data":${objects(100_000)}}]}`,
    headers: ownAuth,
  },
  {
    route: '/v1/track',
    shape: 'arrays',
    body: segmentTrack(`{"x":${arrays(15_000)}}`),
    headers: segmentAuth,
  },
  { route: '/v1/track', shape: 'objects', body: segmentTrack(objects(5_000)), headers: segmentAuth },
  {
    route: '/v1/identify',
    shape: 'objects',
    body: `{"userId":"deep-1","traits":${objects(5_000)}}`,
    headers: segmentAuth,
  },
  {
    route: '/v1/page',
    shape: 'arrays',
    body: `{"userId":"deep-1","properties":{"x":${arrays(15_000)}}}`,
    headers: segmentAuth,
  },
  {
    route: '/v1/batch',
    shape: 'objects',
    body: `{"batch":[${segmentTrack(objects(80_000))}]}`,
    headers: segmentAuth,
  },
  { route: '/v1/batch', shape: 'arrays', body: `{"batch":${arrays(100_000)}}`, headers: segmentAuth },
];

describe('Hostile input at ingest', () => {
  it.each(DEEP_REQUESTS)(
    '$route: answers a deeply nested body ($shape) with 400',
    async ({ route, body, headers }) => {
      // Act
      const response = await stack.post(route, body, headers());

      // Assess
      expect(response).toEqual({
        status: 400,
        body: { error: 'malformed_request', message: 'body nests deeper than 64 levels' },
      });
    },
  );

  it.each([
    ['array', `{"id":1,"line_items":${arrays(100_000)}}`],
    ['object', `{"id":1,"customer":${objects(100_000)}}`],
  ])('answers a signed Shopify webhook with a deeply nested %s with 400', async (_kind, body) => {
    // Act
    const response = await stack.post('/webhooks/shopify/demo', body, shopifyHeaders(body));

    // Assess
    expect(response).toEqual({
      status: 400,
      body: { error: 'malformed_request', message: 'body nests deeper than 64 levels' },
    });
  });

  it('rejects a javascript: product URL on the own API, naming the field', async () => {
    // Prepare
    const view = {
      id: 'hostile-view-1',
      type: 'product.viewed',
      occurredAt: '2026-05-01T09:00:00Z',
      identity: { anonymousId: 'anon-hostile-1' },
      data: { product: { productId: 'p-1', url: 'javascript:alert(1)' } },
    };

    // Act
    const response = await stack.post('/v1/events', { events: [view] }, ownAuth());

    // Assess
    expect(response).toMatchObject({
      status: 400,
      body: {
        accepted: 0,
        rejected: [
          { index: 0, id: 'hostile-view-1', problems: ['data.product.url: must be an http(s) URL'] },
        ],
      },
    });
    expect(await stack.profileItemCount()).toBe(0);
  });

  it('rejects a javascript: Segment image_url, naming the field, but drops a relative one', async () => {
    // Prepare
    const order = (imageUrl: string) => ({
      userId: 'seg-hostile-1',
      event: 'Order Completed',
      timestamp: '2026-05-01T10:00:00Z',
      properties: {
        order_id: 'o-hostile-1',
        currency: 'USD',
        products: [{ product_id: 'p-1', price: 5, quantity: 1, image_url: imageUrl }],
      },
    });

    // Act
    const hostile = await stack.post('/v1/track', order('javascript:alert(document.cookie)'), segmentAuth());
    const itemsAfterHostile = await stack.profileItemCount();
    const sloppy = await stack.post('/v1/track', order('/images/p-1.png'), segmentAuth());

    // Assess
    expect(hostile).toMatchObject({
      status: 400,
      body: {
        success: false,
        accepted: 0,
        rejected: [{ index: 0, problems: ['properties.products[0].image_url: must be an http(s) URL'] }],
      },
    });
    expect(itemsAfterHostile).toBe(0);
    expect(sloppy).toMatchObject({ status: 200, body: { accepted: 1 } });
    const profile = await stack.profile('customer:seg-hostile-1');
    expect(profile?.orderSummary.count).toBe(1);
    expect(stack.runtimeErrors).toEqual([]);
  });
});

describe('Keys such as constructor and __proto__ through the stack', () => {
  it('stores and counts categories, order ids and refund ids named like Object.prototype members', async () => {
    // Prepare
    const at = '2026-05-01T10:00:00.000Z';
    const identity = { customerId: 'proto-1' };
    const names = ['__proto__', 'constructor', 'toString'];
    const events = names.flatMap((name) => [
      {
        id: `proto-view-${name}`,
        type: 'product.viewed',
        occurredAt: at,
        identity,
        data: { product: { productId: name, category: name } },
      },
      {
        id: `proto-order-${name}`,
        type: 'order.placed',
        occurredAt: at,
        identity,
        data: {
          orderId: name,
          lines: [{ productId: name, category: name, quantity: 1 }],
          total: { amount: '3.00', currency: 'USD' },
        },
      },
      {
        id: `proto-refund-${name}`,
        type: 'order.refunded',
        occurredAt: at,
        identity: {},
        data: { orderId: name, refundId: name, amount: { amount: '1.00', currency: 'USD' } },
      },
    ]);

    // Act
    const response = await stack.post('/v1/events', { events }, ownAuth());
    const profile = await stack.profile('customer:proto-1');

    // Assess: nothing dead-lettered, every key back as sent, every order and refund counted.
    expect(response.status).toBe(202);
    expect(stack.runtimeErrors).toEqual([]);
    expect(Object.keys(profile?.orders ?? {}).sort()).toEqual([...names].sort());
    expect(Object.entries(profile?.categoryAffinity ?? {}).sort()).toEqual(
      names.map((name) => [name, 4]).sort(),
    );
    expect(profile?.orderSummary).toMatchObject({ count: 3, totalSpent: { USD: '6.00' } });
    const protoOrder = Object.getOwnPropertyDescriptor(profile?.orders ?? {}, '__proto__')?.value;
    expect(Object.hasOwn(protoOrder?.refunds ?? {}, '__proto__')).toBe(true);
  });
});
