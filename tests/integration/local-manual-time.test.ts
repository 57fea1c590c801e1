import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SentMail } from '#local/ses/local-ses.ts';
import { type LocalStack, startLocalStack } from '#tests/helpers/local-stack.ts';

const START = Date.parse('2026-03-02T09:00:00.000Z');
const HOUR = 3_600_000;

/** The runtime on manual time, as `simulate` drives it: nothing moves until the clock is advanced. */
describe('Local runtime: manual time', () => {
  let stack: LocalStack;
  const mails: Array<SentMail & { at: number }> = [];

  beforeAll(async () => {
    stack = await startLocalStack({
      manualTime: { start: START },
      meterDynamoDb: true,
      onMailSent: (mail) => mails.push({ ...mail, at: stack.runtime.clock.now() }),
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const identity = { customerId: 'c-manual', email: 'manual@shoppers.example' };
  const at = () => new Date(stack.runtime.clock.now()).toISOString();

  it('runs the welcome journey at the frozen instant and stops with its next wait pending', async () => {
    // Prepare
    const signup = {
      id: 'manual-signup',
      type: 'customer.registered',
      occurredAt: at(),
      identity,
      data: {
        attributes: { firstName: 'Mara', timeZone: 'Europe/Berlin' },
        consent: [{ channel: 'email', status: 'granted', source: 'signup-form', recordedAt: at() }],
      },
    };

    // Act
    const response = await stack.post(
      '/v1/events',
      { events: [signup] },
      { authorization: `Bearer ${stack.demo.apiKey}` },
    );
    const { nextTimerAt } = await stack.runtime.quiesce();

    // Assess
    expect(response.status).toBe(202);
    expect(stack.runtime.clock.now()).toBe(START);
    expect(mails.map((mail) => [mail.tags.journey, mail.tags.step, mail.at])).toEqual([
      ['welcome', 'welcome', START],
    ]);
    expect(nextTimerAt).toBeGreaterThan(START);
  });

  it('sends a cart reminder exactly when its wait ends once the clock is stepped there', async () => {
    // Prepare
    stack.runtime.advanceClock(START + 60_000);
    const cart = {
      id: 'manual-cart',
      type: 'cart.updated',
      occurredAt: at(),
      identity,
      data: {
        cartId: 'cart-manual',
        lines: [
          {
            productId: 'tea-sencha-100g',
            name: 'Sencha',
            category: 'tea',
            price: { amount: '12.50', currency: 'USD' },
            quantity: 2,
          },
        ],
        total: { amount: '25.00', currency: 'USD' },
      },
    };
    await stack.post('/v1/events', { events: [cart] }, { authorization: `Bearer ${stack.demo.apiKey}` });

    // Act: step from timer to timer for two virtual days.
    let steps = 0;
    for (;;) {
      const { nextTimerAt } = await stack.runtime.quiesce();
      if (nextTimerAt === undefined || nextTimerAt > START + 48 * HOUR) break;
      stack.runtime.advanceClock(nextTimerAt);
      steps += 1;
    }

    // Assess
    const reminder = mails.find((mail) => mail.tags.journey === 'cart-abandonment');
    expect(steps).toBeGreaterThan(0);
    expect(reminder?.tags.step).toBe('reminder-1');
    // Sent at a timer's instant, not at whatever real time the machine took.
    expect(((reminder?.at ?? 0) - START) % 1000).toBe(0);
    expect(stack.runtime.clock.now()).toBeLessThanOrEqual(START + 48 * HOUR);
  });

  it('counts the operations AWS would bill', () => {
    // Act
    const usage = stack.runtime.usage();

    // Assess
    expect(usage.httpApiRequests).toBe(2);
    expect(usage.sesMails).toBe(mails.length);
    expect(usage.dynamodb?.writeRequestUnits).toBeGreaterThan(0);
    expect(usage.dynamodb?.readRequestUnits).toBeGreaterThan(0);
    expect(usage.eventBridgeEvents).toBeGreaterThanOrEqual(2);
    expect(usage.stepFunctionsTransitions).toBeGreaterThan(0);
    expect(usage.sqsRequests).toBeGreaterThan(0);
    expect(usage.lambda.reduce((sum, fn) => sum + fn.invocations, 0)).toBeGreaterThan(0);
  });

  it('stops the older cart run as soon as a newer change of the same cart enters, before its first step', async () => {
    // Prepare: a cart run waits its first hour
    const change = (id: string, quantity: number) => ({
      id,
      type: 'cart.updated',
      occurredAt: at(),
      identity,
      data: {
        cartId: 'cart-changed',
        lines: [
          {
            productId: 'coffee-beans-1kg',
            name: 'Coffee beans',
            category: 'coffee',
            price: { amount: '30.00', currency: 'USD' },
            quantity,
          },
        ],
        total: { amount: (30 * quantity).toFixed(2), currency: 'USD' },
      },
    });
    const post = (event: unknown) =>
      stack.post('/v1/events', { events: [event] }, { authorization: `Bearer ${stack.demo.apiKey}` });
    const runOf = async (triggerId: string) => {
      const arn = stack.runtime.names.stateMachines.CartAbandonment as string;
      for (const execution of await stack.runtime.stepFunctions.listExecutions({ stateMachineArn: arn })) {
        const description = await stack.runtime.stepFunctions.describeExecution(execution.executionArn);
        if (description.input.includes(`"${triggerId}"`)) return description;
      }
      return undefined;
    };
    stack.runtime.advanceClock(stack.runtime.clock.now() + 60_000);
    await post(change('cart-change-1', 1));
    await stack.runtime.quiesce();
    stack.runtime.advanceClock(stack.runtime.clock.now() + 60_000);

    // Act
    await post(change('cart-change-2', 2));
    await stack.runtime.quiesce();

    // Assess: the time has not moved on to the older run's step, yet it has ended
    expect((await runOf('cart-change-1'))?.status).toBe('ABORTED');
    expect((await runOf('cart-change-2'))?.status).toBe('RUNNING');
  });
});
