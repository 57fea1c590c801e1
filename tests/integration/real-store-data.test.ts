/**
 * The local stack fed as real stores feed it: Segment's own analytics-node client following the
 * E-commerce v2 spec's examples, and Shopify's documented sample webhooks signed as Shopify signs
 * them. Each story ends with what the customer received in the local inbox. On manual time, so
 * "nothing was sent" means the journeys ran to their end and chose not to.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Analytics } from '@segment/analytics-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClientFor } from '#local/demo-store.ts';
import type { SentMail } from '#local/ses/local-ses.ts';
import { type LocalStack, startLocalStack } from '#tests/helpers/local-stack.ts';

/** A Monday, 10:00 in the demo store's New York: no quiet hours in the way. */
const START = Date.parse('2026-06-01T14:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let stack: LocalStack;
const mails: Array<SentMail & { at: number }> = [];

beforeAll(async () => {
  stack = await startLocalStack({
    manualTime: { start: START },
    onMailSent: (mail) => mails.push({ ...mail, at: stack.runtime.clock.now() }),
  });
});
afterAll(async () => {
  await stack?.close();
});

/** Runs every journey timer due until `target`, each instant's work to its end, then stops there. */
async function runUntil(target: number): Promise<void> {
  for (;;) {
    const { nextTimerAt } = await stack.runtime.quiesce();
    if (nextTimerAt === undefined || nextTimerAt > target) {
      if (target > stack.runtime.clock.now()) stack.runtime.advanceClock(target);
      await stack.runtime.quiesce();
      return;
    }
    stack.runtime.advanceClock(Math.max(nextTimerAt, stack.runtime.clock.now()));
  }
}

const now = () => stack.runtime.clock.now();
const journeysMailed = (email: string) =>
  mails.filter((mail) => mail.to.includes(email)).map((mail) => `${mail.tags.journey}.${mail.tags.step}`);

function specProperties(name: string): Record<string, unknown> {
  const url = new URL(`../fixtures/segment/ecommerce-v2/${name}.json`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { properties: Record<string, unknown> }).properties;
}

function segmentClient(): { analytics: Analytics; failures: unknown[] } {
  const analytics = new Analytics({
    writeKey: stack.demo.segmentWriteKey,
    host: stack.runtime.urls.http,
    flushInterval: 20,
    maxRetries: 1,
  });
  const failures: unknown[] = [];
  analytics.on('error', (error) => failures.push(error));
  return { analytics, failures };
}

/** A shopper who browses, fills a cart and checks out, as the spec's examples do; `orders` says whether they pay. */
async function segmentShopper(name: string, orders: boolean): Promise<string> {
  const { analytics, failures } = segmentClient();
  const email = `${name}@shoppers.example`;
  const anonymousId = `${name}-browser`;
  const at = (minutes: number) => new Date(now() + minutes * 60_000);
  analytics.identify({
    userId: `${name}-user`,
    anonymousId,
    traits: { email, firstName: name, email_marketing_consent: 'subscribed', timezone: 'America/New_York' },
    timestamp: at(0),
  });
  analytics.track({
    anonymousId,
    event: 'Product Viewed',
    properties: specProperties('product-viewed'),
    timestamp: at(1),
  });
  analytics.track({
    anonymousId,
    event: 'Product Added',
    properties: specProperties('product-added'),
    timestamp: at(2),
  });
  analytics.track({
    userId: `${name}-user`,
    anonymousId,
    event: 'Checkout Started',
    properties: specProperties('checkout-started'),
    timestamp: at(3),
  });
  if (orders) {
    analytics.track({
      userId: `${name}-user`,
      anonymousId,
      event: 'Order Completed',
      properties: {
        ...specProperties('order-completed'),
        order_id: specProperties('checkout-started').order_id,
      },
      timestamp: at(4),
    });
  }
  await analytics.closeAndFlush();
  expect(failures).toEqual([]);
  return email;
}

describe("Segment's client, as the E-commerce v2 spec sends", () => {
  it('sends the order confirmation and no cart or browse reminder once the order completed the checkout', async () => {
    // Prepare: one shopper pays (Order Completed names the checkout's order_id and a checkout_id of
    // its own, as the spec's examples do), the other leaves the checkout.
    const buyer = await segmentShopper('ayaka', true);
    const leaver = await segmentShopper('bruno', false);

    // Act: four days pass; every cart reminder and browse mail would be due by then.
    await runUntil(START + 4 * DAY);

    // Assess
    expect(journeysMailed(buyer)).toEqual(['post-purchase.order-confirmation']);
    expect(journeysMailed(leaver)).toContain('cart-abandonment.reminder-1');
    const profile = await stack.profile('customer:ayaka-user');
    expect(profile?.cart).toMatchObject({ status: 'ordered', orderId: '50314b8e9bcf000000000000' });
    expect(profile?.consent.email).toMatchObject({ status: 'granted', source: 'segment:subscribed' });
  });

  it('reminds a browser of its second cart weeks after its first one was ordered', async () => {
    // Prepare: a cart named only by the browser (no cart_id), ordered.
    const { analytics, failures } = segmentClient();
    const email = 'chen@shoppers.example';
    const who = { userId: 'chen-user', anonymousId: 'chen-browser' };
    analytics.identify({
      ...who,
      traits: { email, email_marketing_consent: true },
      timestamp: new Date(now()),
    });
    analytics.track({
      ...who,
      event: 'Product Added',
      properties: specProperties('product-added'),
      timestamp: new Date(now()),
    });
    analytics.track({
      ...who,
      event: 'Order Completed',
      properties: specProperties('order-completed'),
      timestamp: new Date(now() + 60_000),
    });
    await analytics.closeAndFlush();
    await runUntil(now() + 3 * DAY);
    const afterFirst = journeysMailed(email);

    // Act: three weeks later the same browser fills a cart again and leaves it.
    await runUntil(now() + 21 * DAY);
    const again = segmentClient();
    again.analytics.track({
      ...who,
      event: 'Product Added',
      properties: specProperties('product-added'),
      timestamp: new Date(now()),
    });
    await again.analytics.closeAndFlush();
    await runUntil(now() + 2 * DAY);

    // Assess
    expect(failures).toEqual([]);
    expect(again.failures).toEqual([]);
    expect(afterFirst.filter((mail) => mail.startsWith('cart-abandonment'))).toEqual([]);
    expect(journeysMailed(email).filter((mail) => mail.startsWith('cart-abandonment'))).toEqual([
      'cart-abandonment.reminder-1',
      'cart-abandonment.reminder-2',
    ]);
  });
});

describe('Shopify, as its documented webhooks send', () => {
  const documented = (file: string) =>
    readFileSync(new URL(`../fixtures/shopify/documented/${file}`, import.meta.url), 'utf8');
  const handWritten = (topic: string) =>
    readFileSync(new URL(`../fixtures/shopify/${topic}.json`, import.meta.url), 'utf8');

  async function deliver(topic: string, body: string, webhookId: string) {
    const signature = createHmac('sha256', stack.demo.shopifyWebhookSecret).update(body).digest('base64');
    const response = await fetch(`${stack.runtime.urls.http}/webhooks/shopify/${stack.demo.store.storeId}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Shopify-Topic': topic,
        'X-Shopify-Hmac-Sha256': signature,
        'X-Shopify-Webhook-Id': webhookId,
        'X-Shopify-Triggered-At': new Date(now()).toISOString(),
      },
      body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function acceptTestOrders(accept: boolean) {
    await documentClientFor(stack.runtime.urls.dynamodb).send(
      new UpdateCommand({
        TableName: stack.runtime.names.storesTable,
        Key: { pk: `STORE#${stack.demo.store.storeId}` },
        UpdateExpression: 'SET acceptTestOrders = :accept',
        ExpressionAttributeValues: { ':accept': accept },
      }),
    );
  }

  it('ignores the documented test order, and with test orders accepted records it as what it is: voided and cancelled, no revenue, no mail', async () => {
    // Act: a live store ignores it; once the store accepts test orders (its settings are cached for
    // a minute, so a day passes first) the same sample is delivered again.
    const ignored = await deliver('orders/create', documented('orders-create.json'), 'wh-doc-order-1');
    await acceptTestOrders(true);
    await runUntil(now() + DAY);
    const accepted = await deliver('orders/create', documented('orders-create.json'), 'wh-doc-order-2');
    await runUntil(now() + 2 * DAY);

    // Assess
    expect(ignored).toMatchObject({ status: 200, body: { accepted: 0 } });
    expect(accepted).toMatchObject({ status: 200, body: { accepted: 2 } });
    expect(journeysMailed('jon@example.com')).toEqual([]);
    const profile = await stack.profile('customer:115310627314723954');
    expect(profile?.orders['820982911946154508']).toMatchObject({ cancelledAt: '2022-01-01T00:00:00.000Z' });
    expect(profile?.orderSummary).toMatchObject({ count: 0, totalSpent: {} });
    expect(profile?.orders['820982911946154508']?.lines).toHaveLength(5);
  });

  it('confirms an order with every line, the custom ones too, so the mail accounts for its whole total', async () => {
    // Prepare: Shopify's order with a shipping-protection line that is no catalogue product.
    const body = handWritten('orders/create').replace(
      '"line_items": [',
      '"line_items": [{"id": 1, "product_id": null, "variant_id": null, "title": "Shipping protection", "sku": "", "price": "2.00", "quantity": 1},',
    );

    // Act
    const delivered = await deliver('orders/create', body, 'wh-order-custom-line');
    await runUntil(now() + HOUR);

    // Assess
    expect(delivered.status).toBe(200);
    const confirmation = mails.find(
      (mail) => mail.to.includes('bob.norman@example.com') && mail.tags.step === 'order-confirmation',
    );
    expect(confirmation?.html).toContain('Shipping protection');
    expect(confirmation?.html).toContain('Uno Card Game');
  });

  it("takes a refund that names only its order off the buyer's revenue and order count", async () => {
    // Prepare: Shopify's documented refund (75.00 + 10.00 back), for the order confirmed above.
    const refund = documented('refunds-create.json').replaceAll('820982911946154508', '5912883347622871041');
    const before = await stack.profile('customer:7382450393366231553');

    // Act
    const delivered = await deliver('refunds/create', refund, 'wh-doc-refund-1');
    const again = await deliver('refunds/create', refund, 'wh-doc-refund-1-retry');
    await runUntil(now() + HOUR);

    // Assess: the 27.50 order is refunded in full, so it counts neither as an order nor as revenue.
    expect(delivered).toMatchObject({ status: 200, body: { accepted: 1 } });
    expect(again.status).toBe(200);
    expect(before?.orderSummary).toMatchObject({ count: 1, totalSpent: { USD: '27.50' } });
    const after = await stack.profile('customer:7382450393366231553');
    expect(after?.orders['5912883347622871041']?.refunds).toEqual({
      '890088186047892319': { amount: '85.00', currency: 'USD' },
    });
    expect(after?.orderSummary).toMatchObject({ count: 0, totalSpent: {} });
  });

  it("links a checkout's cart reminder to Shopify's own recovery link", async () => {
    // Prepare: the documented checkout's buyer has ticked no box, so consent comes from their account.
    const checkout = documented('checkouts-create.json');
    await stack.post(
      '/v1/events',
      {
        events: [
          {
            id: 'doc-checkout-consent',
            type: 'customer.updated',
            occurredAt: new Date(now()).toISOString(),
            identity: { email: 'example@email.com', anonymousId: 'shopify-checkout:123123123' },
            data: {
              consent: [
                {
                  channel: 'email',
                  status: 'granted',
                  source: 'signup-form',
                  recordedAt: new Date(now()).toISOString(),
                },
              ],
            },
          },
        ],
      },
      { authorization: `Bearer ${stack.demo.apiKey}` },
    );

    // Act
    const delivered = await deliver('checkouts/create', checkout, 'wh-doc-checkout-1');
    await runUntil(now() + 2 * HOUR);

    // Assess
    expect(delivered).toMatchObject({ status: 200, body: { accepted: 1 } });
    const reminder = mails.find(
      (mail) => mail.to.includes('example@email.com') && mail.tags.journey === 'cart-abandonment',
    );
    expect(reminder?.html).toContain(
      'https://checkout.local/548380009/checkouts/123123123/recover?key=example-secret-token',
    );
  });
});
