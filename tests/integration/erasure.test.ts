import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_SOURCE } from '#events/schemas.ts';
import { documentClientFor } from '#local/demo-store.ts';
import { eraseCustomer } from '#privacy/domain/erase-customer.ts';
import { erasureDependencies } from '#privacy/erasure-wiring.ts';
import { canonical } from '#tests/helpers/events.ts';
import { eventually } from '#tests/helpers/eventually.ts';
import { type LocalStack, startLocalStack } from '#tests/helpers/local-stack.ts';
import { morningZone } from '#tests/helpers/morning-zone.ts';

let stack: LocalStack;
/** Every real second is an hour: a cart reminder comes a second after the cart. */
const SPEED = 3600;
const TEST_TIMEOUT_MS = 120_000;

beforeAll(async () => {
  stack = await startLocalStack({ speed: SPEED });
});
afterAll(async () => {
  await stack?.close();
});

// Names no other test or demo data uses, so any trace of them in a table is this customer's.
const CUSTOMER_ID = 'zq-4471';
const EMAIL = 'zelda.quistorff@example.com';
const FIRST_NAME = 'Zeldaria';
const LAST_NAME = 'Quistorff';

const TRACES = new RegExp([CUSTOMER_ID, EMAIL, FIRST_NAME, LAST_NAME, 'zq-device'].join('|'), 'i');

/** Zelda signs up, views a tea, leaves a cart, and orders after its reminder. */
function zeldasEvents(at: () => string) {
  const identity = { customerId: CUSTOMER_ID, email: EMAIL, anonymousId: 'zq-device' };
  const line = {
    productId: 'tea',
    name: 'Sencha green tea',
    quantity: 1,
    price: { amount: '12.50', currency: 'USD' },
  };
  return {
    signup: () => ({
      id: 'zq-signup',
      type: 'customer.registered',
      occurredAt: at(),
      identity,
      data: {
        attributes: { firstName: FIRST_NAME, lastName: LAST_NAME, timeZone: morningZone(new Date(at())) },
        consent: [{ channel: 'email', status: 'granted', source: 'test', recordedAt: at() }],
      },
    }),
    view: () => ({
      id: 'zq-view',
      type: 'product.viewed',
      occurredAt: at(),
      identity,
      data: { product: { productId: 'tea', name: 'Sencha green tea' } },
    }),
    cart: () => ({
      id: 'zq-cart',
      type: 'cart.updated',
      occurredAt: at(),
      identity,
      data: { cartId: 'zq-cart-1', lines: [line], total: line.price },
    }),
    order: () => ({
      id: 'zq-order',
      type: 'order.placed',
      occurredAt: at(),
      identity: { ...identity, orderId: 'zq-order-1' },
      data: { orderId: 'zq-order-1', cartId: 'zq-cart-1', lines: [line], total: line.price },
    }),
  };
}

/** The items of every table of the local stack that name Zelda in any way. */
async function itemsNamingZelda(): Promise<unknown[]> {
  const documents = documentClientFor(stack.runtime.urls.dynamodb);
  const { names } = stack.runtime;
  const items: unknown[] = [];
  for (const table of [names.profilesTable, names.messagesTable, names.storesTable]) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(new ScanCommand({ TableName: table, ExclusiveStartKey: startKey }));
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
  }
  return items.filter((item) => TRACES.test(JSON.stringify(item)));
}

describe('Customer erasure through the local stack', () => {
  it(
    'leaves no trace of a customer who went through the journeys, stops their runs, and a replay of their events brings nothing back',
    async () => {
      // Prepare: Zelda goes through welcome, browse, cart and post-purchase
      const at = () => new Date(stack.runtime.clock.now()).toISOString();
      const events = zeldasEvents(at);
      const post = (drafts: unknown[]) =>
        stack.post('/v1/events', { events: drafts }, { authorization: `Bearer ${stack.demo.apiKey}` });
      const mailsToZelda = async () =>
        (await stack.runtime.ses.messages()).filter((mail) => mail.to.includes(EMAIL));
      const sent = [events.signup(), events.view(), events.cart()];
      expect((await post(sent)).status).toBe(202);
      await eventually(
        async () => ((await mailsToZelda()).length >= 2 ? true : undefined),
        'welcome and cart mails',
      );
      const order = events.order();
      expect((await post([order])).status).toBe(202);
      sent.push(order);
      await eventually(
        async () =>
          (await mailsToZelda()).some((mail) => /order|thank/i.test(mail.subject)) ? true : undefined,
        'the order confirmation',
      );
      await stack.runtime.settle();
      expect((await itemsNamingZelda()).length).toBeGreaterThan(10);

      // Her runs carry no name in their Step Functions input (kept 90 days, beyond any erasure)
      const inputs = [];
      for (const arn of Object.values(stack.runtime.names.stateMachines)) {
        for (const execution of await stack.runtime.stepFunctions.listExecutions({ stateMachineArn: arn })) {
          inputs.push((await stack.runtime.stepFunctions.describeExecution(execution.executionArn)).input);
        }
      }
      expect(inputs.filter((input) => input.includes(EMAIL)).length).toBeGreaterThanOrEqual(3);
      expect(inputs.filter((input) => input.includes(FIRST_NAME) || input.includes(LAST_NAME))).toEqual([]);

      // Act: erase her by e-mail, as `customer erase` does
      const clients = {
        dynamodb: documentClientFor(stack.runtime.urls.dynamodb),
        stepFunctions: new SFNClient({
          region: 'us-east-1',
          endpoint: stack.runtime.urls.stepfunctions,
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }),
      };
      const storeId = stack.demo.store.storeId;
      const report = await eraseCustomer(await erasureDependencies(clients, stack.runtime.names, storeId), {
        storeId,
        key: `email:${EMAIL}`,
        at: new Date(stack.runtime.clock.now()),
      });
      await stack.runtime.settle();
      const afterErasure = await itemsNamingZelda();

      // ...then the archive is replayed: the same events, as the bus first carried them
      const mailsBefore = (await mailsToZelda()).length;
      await new EventBridgeClient({
        region: 'us-east-1',
        endpoint: stack.runtime.urls.eventbridge,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }).send(
        new PutEventsCommand({
          Entries: sent.map((draft) => ({
            EventBusName: stack.runtime.names.bus,
            Source: EVENT_SOURCE,
            DetailType: draft.type,
            Detail: JSON.stringify(canonical({ ...draft, storeId } as Parameters<typeof canonical>[0])),
          })),
        }),
      );
      await stack.runtime.settle();
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await stack.runtime.settle();

      // Assess: nothing names her, before or after the replay; her runs were stopped; no mail went
      expect(report.identities).toBeGreaterThanOrEqual(4);
      expect(report.runsStopped).toBeGreaterThanOrEqual(1);
      expect(afterErasure).toEqual([]);
      expect(await itemsNamingZelda()).toEqual([]);
      expect((await mailsToZelda()).length).toBe(mailsBefore);
      const running = [];
      for (const arn of Object.values(stack.runtime.names.stateMachines)) {
        for (const execution of await stack.runtime.stepFunctions.listExecutions({ stateMachineArn: arn })) {
          const description = await stack.runtime.stepFunctions.describeExecution(execution.executionArn);
          if (description.status === 'RUNNING' && description.input.includes(EMAIL)) running.push(arn);
        }
      }
      expect(running).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});
