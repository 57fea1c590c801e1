import { readFileSync } from 'node:fs';
import { Analytics } from '@segment/analytics-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '#tests/helpers/local-stack.ts';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(async () => {
  await stack?.close();
});

const ecommerce = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../fixtures/segment/ecommerce-v2/${name}.json`, import.meta.url), 'utf8'),
  ) as {
    properties: Record<string, unknown>;
  };

describe("Routes: Segment's HTTP Tracking API", () => {
  it("takes identify and e-commerce track calls from Segment's own analytics-node library", async () => {
    // Prepare
    const analytics = new Analytics({
      writeKey: stack.demo.segmentWriteKey,
      host: stack.runtime.urls.http,
      flushInterval: 50,
      maxRetries: 1,
    });
    const failures: unknown[] = [];
    analytics.on('error', (error) => failures.push(error));

    // Act
    analytics.track({
      anonymousId: 'seg-anon-1',
      event: 'Product Viewed',
      properties: ecommerce('product-viewed').properties,
    });
    analytics.identify({
      userId: 'seg-user-1',
      anonymousId: 'seg-anon-1',
      traits: { email: 'Seg.User@Example.com', firstName: 'Seg', timezone: 'Asia/Tokyo' },
    });
    analytics.track({
      userId: 'seg-user-1',
      event: 'Order Completed',
      properties: ecommerce('order-completed').properties,
    });
    analytics.track({ userId: 'seg-user-1', event: 'Products Searched', properties: { query: 'tea' } });
    await analytics.closeAndFlush();

    // Assess
    expect(failures).toEqual([]);
    const profile = await stack.profile('customer:seg-user-1');
    expect(profile?.email).toBe('seg.user@example.com');
    expect(profile?.attributes).toMatchObject({ firstName: 'Seg', timeZone: 'Asia/Tokyo' });
    expect(profile?.recentViews.map((view) => view.productId)).toEqual([
      ecommerce('product-viewed').properties.product_id,
    ]);
    expect(profile?.orderSummary).toMatchObject({ count: 1, totalSpent: { USD: '27.50' } });
    expect(profile?.mergedKeys).toContain('anonymous:seg-anon-1');
  });

  it('accepts the write key in the body, as the HTTP API docs show, and de-duplicates by messageId', async () => {
    // Prepare
    const body = {
      writeKey: stack.demo.segmentWriteKey,
      messageId: 'seg-msg-1',
      userId: 'seg-user-2',
      event: 'Order Completed',
      properties: {
        order_id: 'seg-order-2',
        total: 10.1,
        currency: 'usd',
        products: [{ product_id: 'p', price: 10.1 }],
      },
      timestamp: '2026-05-01T10:00:00Z',
    };

    // Act
    const first = await stack.post('/v1/track', body);
    const second = await stack.post('/v1/track', body);

    // Assess
    expect(first).toMatchObject({ status: 200, body: { success: true, accepted: 1 } });
    expect(second.status).toBe(200);
    const profile = await stack.profile('customer:seg-user-2');
    expect(profile?.orderSummary).toMatchObject({ count: 1, totalSpent: { USD: '10.10' } });
  });

  it('rejects an event without userId or anonymousId and a wrong write key', async () => {
    // Act
    const noIdentity = await stack.post('/v1/track', {
      writeKey: stack.demo.segmentWriteKey,
      event: 'Product Viewed',
    });
    const wrongKey = await stack.post(
      '/v1/identify',
      { userId: 'x' },
      { authorization: `Basic ${Buffer.from(`${stack.demo.apiKey}:`).toString('base64')}` },
    );

    // Assess
    expect(noIdentity.status).toBe(400);
    expect(JSON.stringify(noIdentity.body)).toMatch(/userId|anonymousId/);
    expect(wrongKey.status).toBe(401);
  });
});
