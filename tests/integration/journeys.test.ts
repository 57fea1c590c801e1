import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClientFor } from '#local/demo-store.ts';
import { DynamoDbMessagingStore } from '#messaging/adapters/dynamodb-messaging-store.ts';
import { eventually } from '#tests/helpers/eventually.ts';
import { type LocalStack, startLocalStack } from '#tests/helpers/local-stack.ts';
import { morningZone } from '#tests/helpers/morning-zone.ts';

let stack: LocalStack;
const SPEED = 3600;
/** Real seconds a journey test may take on a busy two-core machine (every real second is an hour here). */
const JOURNEY_TEST_TIMEOUT_MS = 90_000;

beforeAll(async () => {
  stack = await startLocalStack({ speed: SPEED });
});
afterAll(async () => {
  await stack?.close();
});

function shopper(id: string) {
  const now = new Date(stack.runtime.clock.now());
  const at = now.toISOString();
  const identity = { customerId: id, email: `${id}@example.com` };
  const consent = {
    id: `${id}-consent`,
    type: 'customer.updated',
    occurredAt: at,
    identity,
    data: {
      attributes: { firstName: 'Kim', timeZone: morningZone(now) },
      consent: [{ channel: 'email', status: 'granted', source: 'test', recordedAt: at }],
    },
  };
  const line = {
    productId: 'tea',
    name: 'Sencha green tea',
    quantity: 1,
    price: { amount: '12.50', currency: 'USD' },
  };
  const cart = {
    id: `${id}-cart`,
    type: 'cart.updated',
    occurredAt: at,
    identity,
    data: { cartId: `${id}-cart`, lines: [line], total: { amount: '12.50', currency: 'USD' } },
  };
  const order = {
    id: `${id}-order`,
    type: 'order.placed',
    occurredAt: at,
    identity,
    data: {
      orderId: `${id}-o`,
      cartId: `${id}-cart`,
      lines: [line],
      total: { amount: '12.50', currency: 'USD' },
    },
  };
  return { identity, consent, cart, order };
}

const post = (events: unknown[]) =>
  stack.post('/v1/events', { events }, { authorization: `Bearer ${stack.demo.apiKey}` });
const mailsTo = async (email: string) =>
  (await stack.runtime.ses.messages()).filter((mail) => mail.to.includes(email));

describe('Sending within SES sending limits', () => {
  it(
    'defers a mail SES throttles and sends it a few minutes later, without failing the run',
    async () => {
      // Prepare: SES refuses the next three SendEmail calls (the SDK's three attempts at one mail)
      const leo = shopper('leo');
      stack.runtime.ses.throttle(3);
      const messaging = new DynamoDbMessagingStore(
        documentClientFor(stack.runtime.urls.dynamodb),
        stack.runtime.names.messagesTable,
      );

      // Act: the sign-up's welcome mail is the first to go
      await post([{ ...leo.consent, id: 'leo-signup', type: 'customer.registered' }]);
      const [welcome] = await eventually(async () => {
        const mails = await mailsTo(leo.identity.email);
        return mails.length > 0 ? mails : undefined;
      }, 'the welcome mail');

      // Assess: recorded as held back by the sending rate first, then sent; the run waits for the next mail.
      // The step records its decision after SES accepted the mail, so the inbox can show it first.
      const welcomeDecisions = await eventually(async () => {
        const decisions = await messaging.listDecisions(
          { storeId: stack.demo.store.storeId, customerKey: 'customer:leo' },
          10,
        );
        const welcomeSteps = decisions
          .filter((decision) => decision.step === 'welcome')
          .map((decision) => [decision.outcome, decision.reason]);
        return welcomeSteps.some(([outcome]) => outcome === 'sent') ? welcomeSteps : undefined;
      }, 'the welcome mail recorded as sent');
      expect(welcome?.tags.journey).toBe('welcome');
      expect(welcomeDecisions).toEqual(
        expect.arrayContaining([
          ['deferred', 'throttled'],
          ['sent', undefined],
        ]),
      );
      const arn = stack.runtime.names.stateMachines.Welcome as string;
      const statuses = [];
      for (const execution of await stack.runtime.stepFunctions.listExecutions({ stateMachineArn: arn })) {
        const description = await stack.runtime.stepFunctions.describeExecution(execution.executionArn);
        if (description.input.includes('leo-signup')) statuses.push(description.status);
      }
      expect(statuses).toEqual(['RUNNING']);
    },
    JOURNEY_TEST_TIMEOUT_MS,
  );
});

describe('Journey: cart abandonment through the local runtime', () => {
  it(
    'puts a reminder in the local inbox whose one-click unsubscribe works',
    async () => {
      // Prepare
      const kim = shopper('kim');
      expect((await post([kim.consent])).status).toBe(202);
      await stack.runtime.settle();

      // Act: the cart is left alone; an hour passes in one second
      await post([kim.cart]);
      const [reminder] = await eventually(async () => {
        const mails = await mailsTo(kim.identity.email);
        return mails.length > 0 ? mails : undefined;
      }, 'the cart reminder');
      const header = (name: string) =>
        reminder?.headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value ?? '';
      const link = /<(http[^>]+)>/.exec(header('List-Unsubscribe'))?.[1] ?? '';
      const page = await fetch(link);
      const pageText = await page.text();
      const messaging = new DynamoDbMessagingStore(
        documentClientFor(stack.runtime.urls.dynamodb),
        stack.runtime.names.messagesTable,
      );
      const suppressedAfterGet = await messaging.findSuppression('demo', kim.identity.email);
      const oneClick = await fetch(link, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });

      // Assess
      expect(reminder?.subject).toMatch(/cart/i);
      expect(reminder?.html).toContain('Sencha green tea');
      expect(reminder?.text).toContain(link);
      expect(header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(page.status).toBe(200);
      expect(pageText).toContain('<form method="post"');
      expect(suppressedAfterGet).toBeUndefined();
      expect(oneClick.status).toBe(200);
      expect(await messaging.findSuppression('demo', kim.identity.email)).toMatchObject({
        reason: 'unsubscribed',
      });
      const profile = await stack.profile('customer:kim');
      expect(profile?.consent.email).toMatchObject({
        status: 'revoked',
        source: 'unsubscribe-link:cart-abandonment',
      });
    },
    JOURNEY_TEST_TIMEOUT_MS,
  );

  it(
    'sends no reminder when the customer orders during the wait',
    async () => {
      // Prepare
      const lee = shopper('lee');
      await post([lee.consent]);
      await stack.runtime.settle();

      // Act
      await post([lee.cart]);
      await post([lee.order]);
      // Entry starts the run; its first reminder finds the order (the journey's goal) and ends it.
      const cartRun = await eventually(async () => {
        const arn = stack.runtime.names.stateMachines.CartAbandonment as string;
        for (const execution of await stack.runtime.stepFunctions.listExecutions({ stateMachineArn: arn })) {
          const description = await stack.runtime.stepFunctions.describeExecution(execution.executionArn);
          if (description.input.includes('lee-cart') && description.status !== 'RUNNING') return description;
        }
        return undefined;
      }, 'the cart run to end');

      const subjects = await eventually(async () => {
        const mails = (await mailsTo(lee.identity.email)).map((mail) => mail.subject);
        return mails.some((subject) => /confirmed/i.test(subject)) ? mails : undefined;
      }, 'the order confirmation');

      // Assess
      expect(cartRun.status).toBe('SUCCEEDED');
      expect(subjects.some((subject) => /cart/i.test(subject))).toBe(false);
    },
    JOURNEY_TEST_TIMEOUT_MS,
  );
});

describe('Journey goals on events', () => {
  it(
    'stops a welcome run at once when the customer orders, instead of at its next step two days on',
    async () => {
      // Prepare: a sign-up starts the welcome series, whose goal is the first order
      const mia = shopper('mia');
      const signup = { ...mia.consent, id: 'mia-signup', type: 'customer.registered' };
      await post([signup]);
      const welcomeRun = await eventually(async () => {
        const arn = stack.runtime.names.stateMachines.Welcome as string;
        for (const execution of await stack.runtime.stepFunctions.listExecutions({ stateMachineArn: arn })) {
          const description = await stack.runtime.stepFunctions.describeExecution(execution.executionArn);
          if (description.input.includes('mia-signup')) return execution.executionArn;
        }
        return undefined;
      }, 'the welcome run to start');
      // Its first mail sent, the run waits two days (48 s here) for the next: no step is answering
      // when the order comes, which would otherwise end the run itself at its goal check.
      await eventually(
        async () => ((await mailsTo(mia.identity.email)).length > 0 ? true : undefined),
        'the welcome mail',
      );
      await stack.runtime.settle();

      // Act
      await post([{ ...mia.order, occurredAt: new Date(stack.runtime.clock.now()).toISOString() }]);
      const stopped = await eventually(async () => {
        const description = await stack.runtime.stepFunctions.describeExecution(welcomeRun);
        return description.status === 'RUNNING' ? undefined : description;
      }, 'the welcome run to end');

      // Assess
      expect(stopped.status).toBe('ABORTED');
      // The router stops the run first and records the exit after, so the record can trail the stop.
      const exit = await eventually(async () => {
        const { Item } = await documentClientFor(stack.runtime.urls.dynamodb).send(
          new GetCommand({
            TableName: stack.runtime.names.messagesTable,
            Key: { pk: `CUSTOMER#${stack.demo.store.storeId}#customer:mia`, sk: 'EXIT#welcome#mia' },
          }),
        );
        return Item;
      }, 'the exit record');
      expect(exit).toMatchObject({ journey: 'welcome', step: 'goal', reason: 'ordered' });
    },
    JOURNEY_TEST_TIMEOUT_MS,
  );
});

describe('Journey entry before the run', () => {
  it(
    'starts one browse run for two product views of the same day and none for a redelivered view',
    async () => {
      // Prepare
      const ivy = shopper('ivy');
      const at = new Date(stack.runtime.clock.now()).toISOString();
      const view = (id: string, productId: string) => ({
        id,
        type: 'product.viewed',
        occurredAt: at,
        identity: ivy.identity,
        data: { product: { productId, name: productId, price: { amount: '12.50', currency: 'USD' } } },
      });
      const browseRuns = () =>
        Object.entries(stack.runtime.stepFunctions.stats())
          .filter(([name]) => name.includes('BrowseAbandonment'))
          .reduce((sum, [, machine]) => sum + machine.executionsStarted, 0);
      const before = browseRuns();

      // Act
      await post([ivy.consent, view('ivy-view-1', 'tea'), view('ivy-view-2', 'coffee')]);
      await post([view('ivy-view-1', 'tea')]);
      await stack.runtime.settle();

      // Assess
      expect(browseRuns() - before).toBe(1);
    },
    JOURNEY_TEST_TIMEOUT_MS,
  );
});

describe('Journey: win-back from the daily scan', () => {
  it(
    'mails a customer whose last order was 90 days ago when the scheduled scan runs',
    async () => {
      // Prepare
      const max = shopper('max');
      const now = stack.runtime.clock.now();
      const longAgo = new Date(now - 90 * 24 * 60 * 60 * 1000).toISOString();
      await post([
        max.consent,
        { ...max.order, occurredAt: longAgo, data: { ...max.order.data, cartId: undefined } },
      ]);
      await stack.runtime.settle();
      const scan = [...stack.runtime.functions.values()].find((fn) =>
        fn.definition.entry.endsWith('dormancy-scan.ts'),
      );

      // Act: what EventBridge Scheduler does every morning
      const result = (await scan?.invoke({ day: new Date(now).toISOString().slice(0, 10) })) as {
        started: number;
      };
      const mail = await eventually(async () => {
        const mails = await mailsTo(max.identity.email);
        return mails.find((candidate) => /miss/i.test(candidate.subject));
      }, 'the win-back mail');

      // Assess: the runtime's own scheduler may have run the morning scan first; either way one run
      const winBackRuns = Object.entries(stack.runtime.stepFunctions.stats())
        .filter(([name]) => name.includes('WinBack'))
        .reduce((sum, [, machine]) => sum + machine.executionsStarted, 0);
      expect(result.started).toBeLessThanOrEqual(1);
      expect(winBackRuns).toBe(1);
      expect(mail.html).toContain('Kim');
    },
    JOURNEY_TEST_TIMEOUT_MS,
  );
});
