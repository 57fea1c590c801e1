import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '#tests/helpers/local-stack.ts';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(async () => {
  await stack?.close();
});

const fixture = (topic: string) =>
  readFileSync(new URL(`../fixtures/shopify/${topic}.json`, import.meta.url), 'utf8');

/** Posts a webhook exactly as Shopify does: raw JSON body, HMAC-SHA256 of those bytes in base64. */
async function deliver(
  topic: string,
  body: string,
  options: { secret?: string; webhookId?: string; storeId?: string } = {},
) {
  const signature = createHmac('sha256', options.secret ?? stack.demo.shopifyWebhookSecret)
    .update(body)
    .digest('base64');
  const response = await fetch(`${stack.runtime.urls.http}/webhooks/shopify/${options.storeId ?? 'demo'}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Shopify-Topic': topic,
      'X-Shopify-Hmac-Sha256': signature,
      'X-Shopify-Shop-Domain': 'demo.myshopify.com',
      'X-Shopify-Webhook-Id': options.webhookId ?? `wh-${topic}`,
      'X-Shopify-Triggered-At': '2026-05-02T10:00:00Z',
    },
    body,
  });
  return { status: response.status, body: await response.json() };
}

describe('Route: POST /webhooks/shopify/{storeId}', () => {
  it('builds the profile from signed customer and order webhooks, with ids above 2^53 exact', async () => {
    // Act
    const customer = await deliver('customers/create', fixture('customers/create'));
    const order = await deliver('orders/create', fixture('orders/create'));
    const again = await deliver('orders/create', fixture('orders/create'));

    // Assess
    expect(customer).toMatchObject({ status: 200, body: { accepted: 1 } });
    // The order, and the consent its ticked marketing box at checkout records.
    expect(order).toMatchObject({ status: 200, body: { accepted: 2 } });
    expect(again.status).toBe(200);
    const profile = await stack.profile('customer:7382450393366231553');
    expect(profile?.customerId).toBe('7382450393366231553');
    expect(profile?.email).toBe('bob.norman@example.com');
    expect(Object.keys(profile?.orders ?? {})).toEqual(['5912883347622871041']);
    expect(profile?.orderSummary).toMatchObject({ count: 1, totalSpent: { USD: '27.50' } });
    expect(profile?.consent.email?.status).toBeDefined();
  });

  it('fails with 401 and stores nothing when the signature, secret or store is wrong', async () => {
    // Prepare
    const body = fixture('checkouts/create');
    const tampered = body.replace('24.99', '0.01');
    const signedOriginal = createHmac('sha256', stack.demo.shopifyWebhookSecret)
      .update(body)
      .digest('base64');

    // Act
    const wrongSecret = await deliver('checkouts/create', body, { secret: 'not-the-secret' });
    const unknownStore = await deliver('checkouts/create', body, { storeId: 'nope' });
    const tamperedBody = await fetch(`${stack.runtime.urls.http}/webhooks/shopify/demo`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'checkouts/create',
        'x-shopify-hmac-sha256': signedOriginal,
        'x-shopify-webhook-id': 'wh-tampered',
      },
      body: tampered,
    });

    // Assess
    expect([wrongSecret.status, unknownStore.status, tamperedBody.status]).toEqual([401, 401, 401]);
    expect(await stack.profile('email:guest.shopper@example.org')).toBeUndefined();
  });

  it('answers 200 and ignores topics it does not use', async () => {
    // Act
    const answer = await deliver('products/update', '{"id": 1}');

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ accepted: 0, ignored: [{ index: 0 }] });
  });

  it("erases the customer Shopify's customers/redact names, and refuses one that names nobody", async () => {
    // Prepare: Bob's profile, from the first test's webhooks
    await deliver('customers/create', fixture('customers/create'));
    await stack.runtime.settle();
    expect(await stack.profile('customer:7382450393366231553')).toBeDefined();

    // Act
    const redact = await deliver('customers/redact', fixture('customers/redact'), {
      webhookId: 'wh-redact-1',
    });
    const nobody = await deliver('customers/redact', '{"shop_id": 954889, "customer": {}}', {
      webhookId: 'wh-redact-2',
    });
    await stack.runtime.settle();

    // Assess
    expect(redact).toEqual({ status: 200, body: { erasure: 'queued' } });
    expect(nobody.status).toBe(400);
    expect((nobody.body as { message: string }).message).toMatch(
      /customers\/redact: customer: names neither an id nor an email/,
    );
    expect(await stack.profile('customer:7382450393366231553')).toBeUndefined();
    expect(await stack.profile('email:bob.norman@example.com')).toBeUndefined();
  });
});
