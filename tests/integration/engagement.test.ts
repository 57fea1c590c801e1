import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClientFor } from '#local/demo-store.ts';
import { DynamoDbMessagingStore } from '#messaging/adapters/dynamodb-messaging-store.ts';
import { eventually } from '#tests/helpers/eventually.ts';
import { type LocalStack, startLocalStack } from '#tests/helpers/local-stack.ts';
import { morningZone } from '#tests/helpers/morning-zone.ts';

let stack: LocalStack;
const TIMEOUT_MS = 90_000;

beforeAll(async () => {
  stack = await startLocalStack({ speed: 3600 });
});
afterAll(async () => {
  await stack?.close();
});

/** Engagement events pass through SES, the bus and two consumers: a minute at most. */
const eventuallyWithin = <T>(read: () => Promise<T | undefined>, what: string) =>
  eventually(read, what, 60_000);

const post = (events: unknown[]) =>
  stack.post('/v1/events', { events }, { authorization: `Bearer ${stack.demo.apiKey}` });

function abandonedCart(id: string, email: string) {
  const now = new Date(stack.runtime.clock.now());
  const at = now.toISOString();
  const identity = { customerId: id, email };
  const line = {
    productId: 'tea',
    name: 'Sencha green tea',
    quantity: 1,
    url: 'https://demo-store.example/products/sencha',
    price: { amount: '12.50', currency: 'USD' },
  };
  return {
    consent: {
      id: `${id}-consent`,
      type: 'customer.updated',
      occurredAt: at,
      identity,
      data: {
        attributes: { timeZone: morningZone(now) },
        consent: [{ channel: 'email', status: 'granted', source: 'test', recordedAt: at }],
      },
    },
    cart: {
      id: `${id}-cart`,
      type: 'cart.updated',
      occurredAt: at,
      identity,
      data: { cartId: `${id}-cart`, lines: [line], total: line.price },
    },
    order: (occurredAt: string) => ({
      id: `${id}-order`,
      type: 'order.placed',
      occurredAt,
      identity,
      data: { orderId: `${id}-o`, cartId: `${id}-cart`, lines: [line], total: line.price },
    }),
  };
}

const customerItems = async (customerKey: string) => {
  const documents = documentClientFor(stack.runtime.urls.dynamodb);
  const { Items = [] } = await documents.send(
    new QueryCommand({
      TableName: stack.runtime.names.messagesTable,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `CUSTOMER#demo#${customerKey}` },
    }),
  );
  return Items;
};

describe('Engagement loop through the local runtime', () => {
  it(
    'records delivery and a click on the reminder, then attributes the order to it',
    async () => {
      // Prepare: an abandoned cart earns a reminder
      const pat = abandonedCart('pat', 'pat@example.com');
      await post([pat.consent]);
      await stack.runtime.settle();
      await post([pat.cart]);
      const mail = await eventuallyWithin(
        async () =>
          // Tracking rewrites the links once the local SES has registered the mail.
          (await stack.runtime.ses.messages()).find(
            (candidate) =>
              candidate.to.includes('pat@example.com') && candidate.html?.includes('/track/click') === true,
          ),
        'the reminder',
      );

      // Act: the shopper clicks the product link in the mail, then orders
      const tracked =
        /href="(http:\/\/[^"]+\/track\/click\?[^"]+)"/.exec(mail.html ?? '')?.[1]?.replace(/&amp;/g, '&') ??
        '';
      const click = await fetch(tracked, { redirect: 'manual' });
      await stack.runtime.settle();
      await post([pat.order(new Date(stack.runtime.clock.now()).toISOString())]);
      const attribution = await eventuallyWithin(async () => {
        await stack.runtime.settle();
        return (await customerItems('customer:pat')).find((item) =>
          String(item.sk).startsWith('ATTRIBUTION#'),
        );
      }, 'the attribution');

      // Assess
      expect(click.status).toBe(302);
      expect(attribution).toMatchObject({
        journey: 'cart-abandonment',
        step: 'reminder-1',
        touch: 'click',
        revenue: { amount: '12.50', currency: 'USD' },
      });
      const documents = documentClientFor(stack.runtime.urls.dynamodb);
      const { Item } = await documents.send(
        new GetCommand({
          TableName: stack.runtime.names.messagesTable,
          Key: { pk: `SESMESSAGE#${mail.messageId}`, sk: 'MESSAGE' },
        }),
      );
      expect(Item?.engagement).toHaveProperty('delivery');
      expect(Item?.engagement).toHaveProperty('click');
      const summary = (await customerItems('customer:pat')).find((item) => item.sk === 'ENGAGEMENT');
      // The reminder and, after the order, its confirmation were both delivered.
      expect(summary).toMatchObject({ clicks: 1, deliveries: 2 });
    },
    TIMEOUT_MS,
  );
});

describe('Engagement loop: a bounce through a journey', () => {
  it(
    'suppresses an address whose welcome mail bounced and skips the next mail to it',
    async () => {
      // Prepare: a shopper signs up, with marketing consent, under SES's bounce simulator address
      const email = 'bounce@simulator.amazonses.com';
      const now = new Date(stack.runtime.clock.now());
      const at = now.toISOString();
      const identity = { customerId: 'bo', email };
      const signup = {
        id: 'bo-signup',
        type: 'customer.registered',
        occurredAt: at,
        identity,
        data: {
          attributes: { firstName: 'Bo', timeZone: morningZone(now) },
          consent: [{ channel: 'email', status: 'granted', source: 'signup', recordedAt: at }],
        },
      };
      const messaging = new DynamoDbMessagingStore(
        documentClientFor(stack.runtime.urls.dynamodb),
        stack.runtime.names.messagesTable,
      );

      // Act: the welcome journey mails the address, SES reports the bounce
      expect((await post([signup])).status).toBe(202);
      const welcome = await eventuallyWithin(
        async () =>
          (await stack.runtime.ses.messages()).find(
            (mail) => mail.to.includes(email) && mail.tags.journey === 'welcome',
          ),
        'the welcome mail',
      );
      const suppression = await eventuallyWithin(async () => {
        await stack.runtime.settle();
        return messaging.findSuppression('demo', email);
      }, 'the suppression');
      const cart = abandonedCart('bo', email).cart;
      await post([{ ...cart, occurredAt: new Date(stack.runtime.clock.now()).toISOString() }]);
      const skipped = await eventuallyWithin(
        async () =>
          (await customerItems('customer:bo')).find(
            (item) => item.journey === 'cart-abandonment' && String(item.sk).startsWith('DECISION#'),
          ),
        'the cart reminder decision',
      );

      // Assess
      expect(suppression).toMatchObject({ reason: 'hard-bounce' });
      const documents = documentClientFor(stack.runtime.urls.dynamodb);
      const { Item } = await documents.send(
        new GetCommand({
          TableName: stack.runtime.names.messagesTable,
          Key: { pk: `SESMESSAGE#${welcome.messageId}`, sk: 'MESSAGE' },
        }),
      );
      expect(Item?.engagement).toHaveProperty('bounce');
      const summary = (await customerItems('customer:bo')).find((item) => item.sk === 'ENGAGEMENT');
      expect(summary).toMatchObject({ bounces: 1, deliveries: 0 });
      expect(skipped).toMatchObject({
        step: 'reminder-1',
        outcome: 'skipped',
        reason: 'suppressed',
        suppression: 'hard-bounce',
      });
      const mailsToAddress = (await stack.runtime.ses.messages()).filter((mail) => mail.to.includes(email));
      expect(mailsToAddress.map((mail) => mail.tags.journey)).toEqual(['welcome']);
    },
    TIMEOUT_MS,
  );
});
