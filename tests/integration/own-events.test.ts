import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '#tests/helpers/local-stack.ts';

let stack: LocalStack;
const auth = () => ({ authorization: `Bearer ${stack.demo.apiKey}` });

beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(async () => {
  await stack?.close();
});

const order = (id: string, orderId: string, amount: string) => ({
  id,
  type: 'order.placed',
  occurredAt: '2026-05-01T10:00:00Z',
  identity: { customerId: 'own-1', email: 'own@example.com', anonymousId: 'anon-own-1' },
  data: {
    orderId,
    cartId: 'cart-own-1',
    lines: [{ productId: 'p-1', quantity: 1, category: 'tea', price: { amount, currency: 'USD' } }],
    total: { amount, currency: 'USD' },
  },
});

describe('Route: POST /v1/events', () => {
  it('stores a batch and builds the profile, joining earlier anonymous browsing', async () => {
    // Prepare
    const view = {
      id: 'own-view-1',
      type: 'product.viewed',
      occurredAt: '2026-05-01T09:00:00Z',
      identity: { anonymousId: 'anon-own-1' },
      data: { product: { productId: 'p-1', name: 'Sencha', category: 'tea' } },
    };
    const cart = {
      id: 'own-cart-1',
      type: 'cart.updated',
      occurredAt: '2026-05-01T09:30:00Z',
      identity: { anonymousId: 'anon-own-1' },
      data: {
        cartId: 'cart-own-1',
        lines: [{ productId: 'p-1', quantity: 1 }],
        total: { amount: '0.10', currency: 'USD' },
      },
    };

    // Act
    const first = await stack.post('/v1/events', { events: [view, cart] }, auth());
    await stack.runtime.settle();
    const second = await stack.post(
      '/v1/events',
      { events: [order('own-order-1', 'o-own-1', '0.10')] },
      auth(),
    );

    // Assess
    expect(first).toEqual({ status: 202, body: { accepted: 2, rejected: [], ignored: [] } });
    expect(second.status).toBe(202);
    const profile = await stack.profile('email:own@example.com');
    expect(profile?.key).toBe('customer:own-1');
    expect(profile?.recentViews.map((seen) => seen.productId)).toEqual(['p-1']);
    expect(profile?.orderSummary).toMatchObject({ count: 1, totalSpent: { USD: '0.10' } });
    expect(profile?.cart?.status).toBe('ordered');
  });

  it('counts a re-sent order once and adds up money exactly', async () => {
    // Prepare
    const again = order('own-order-1', 'o-own-1', '0.10');
    const another = order('own-order-2', 'o-own-2', '0.20');

    // Act
    await stack.post('/v1/events', { events: [again, again] }, auth());
    await stack.post('/v1/events', { events: [another] }, auth());

    // Assess
    const profile = await stack.profile('customer:own-1');
    expect(profile?.orderSummary.count).toBe(2);
    expect(profile?.orderSummary.totalSpent).toEqual({ USD: '0.30' });
  });

  it('accepts the valid events of a batch and names what is wrong with the others', async () => {
    // Prepare
    const valid = { ...order('own-order-3', 'o-own-3', '5.00'), identity: { customerId: 'own-3' } };
    const badMoney = { ...order('own-order-4', 'o-own-4', '5.001'), identity: { customerId: 'own-3' } };
    const unknownType = { ...valid, id: 'own-x', type: 'order.teleported' };

    // Act
    const response = await stack.post('/v1/events', { events: [valid, badMoney, unknownType] }, auth());

    // Assess
    expect(response.status).toBe(400);
    const body = response.body as {
      accepted: number;
      rejected: Array<{ index: number; problems: string[] }>;
    };
    expect(body.accepted).toBe(1);
    expect(body.rejected.map((item) => item.index)).toEqual([1, 2]);
    expect(body.rejected[0]?.problems.join()).toMatch(
      /data\.total\.amount: 5\.001 has more than 2 decimal places for USD/,
    );
    expect(body.rejected[1]?.problems.join()).toMatch(/type/);
    expect((await stack.profile('customer:own-3'))?.orderSummary.count).toBe(1);
  });

  it('fails with 401 for a missing, malformed or wrong key', async () => {
    // Prepare
    const body = { events: [order('own-order-9', 'o-own-9', '1.00')] };
    const wrongSecret = stack.demo.apiKey.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A'));

    // Act
    const answers = await Promise.all([
      stack.post('/v1/events', body),
      stack.post('/v1/events', body, { authorization: 'Bearer nonsense' }),
      stack.post('/v1/events', body, { authorization: `Bearer ${wrongSecret}` }),
      stack.post('/v1/events', body, { authorization: `Bearer ${stack.demo.segmentWriteKey}` }),
    ]);

    // Assess
    expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 401]);
    expect(await stack.profile('customer:own-1')).toBeDefined();
    expect((await stack.profile('email:own@example.com'))?.orders['o-own-9']).toBeUndefined();
  });

  it('fails with 413 for an oversized body, 415 for non-JSON and 400 for broken JSON', async () => {
    // Act
    const tooLarge = await stack.post('/v1/events', { events: [], padding: 'x'.repeat(1_000_001) }, auth());
    const notJson = await fetch(`${stack.runtime.urls.http}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...auth() },
      body: 'hello',
    });
    const broken = await stack.post('/v1/events', '{"events": [', auth());
    const tooMany = await stack.post(
      '/v1/events',
      { events: Array.from({ length: 101 }, () => ({})) },
      auth(),
    );

    // Assess
    expect(tooLarge.status).toBe(413);
    expect(notJson.status).toBe(415);
    expect(broken).toMatchObject({ status: 400, body: { error: 'malformed_request' } });
    expect(tooMany.status).toBe(400);
    expect(JSON.stringify(tooMany.body)).toMatch(/events: Too big/);
  });

  it('keeps e-mail addresses and names out of the function logs', async () => {
    // Assess: everything logged by the requests above
    const logs = stack.logLines.join('\n');
    expect(stack.logLines.length).toBeGreaterThan(0);
    expect(logs).not.toMatch(/own@example\.com/);
    expect(logs).not.toMatch(/Sencha/);
  });
});
