import { describe, expect, it } from 'vitest';
import { endRunsReaching, runGoalsOf, stopRun, watchGoals } from '#journeys/step/run-goals.ts';
import { InMemoryMessagingStore } from '#tests/helpers/in-memory-messaging.ts';
import { InMemoryFlowCounter, InMemoryRunStore, RecordingStopper } from '#tests/helpers/in-memory-runs.ts';

const customer = { storeId: 'demo', customerKey: 'customer:c-1' };
const CART_RUN = 'arn:aws:states:us-east-1:111122223333:execution:CartAbandonment:run-1';
const cartJourney = {
  id: 'cart-abandonment',
  exitWhen: [
    { event: 'order.placed' as const, where: { 'data.cartId': { equals: '$subject' } }, as: 'ordered' },
    { event: 'checkout.started' as const, as: 'checked-out' },
    { consent: 'email' as const, is: 'revoked' as const, as: 'unsubscribed' },
  ],
};
const cartTrigger = { type: 'cart.updated', occurredAt: '2026-03-01T09:00:00Z' };
const order = (cartId: string, occurredAt = '2026-03-01T10:00:00.000Z') => ({
  id: `order-${cartId}`,
  type: 'order.placed',
  occurredAt,
  data: { orderId: 'o-1', cartId },
});

function world() {
  const runs = new InMemoryRunStore();
  const stopper = new RecordingStopper();
  stopper.running.add(CART_RUN);
  const messaging = new InMemoryMessagingStore();
  const flow = new InMemoryFlowCounter();
  const deps = { runs, stopper, messaging, flow, now: () => new Date('2026-03-01T10:00:01Z') };
  const goals = runGoalsOf(cartJourney, cartTrigger, 'cart-1', CART_RUN, new Date('2026-03-01T09:00:01Z'));
  return { runs, stopper, messaging, flow, deps, goals };
}

describe('Function: runGoalsOf', () => {
  it("keeps a run's goals on events, one per event type, and none for consent or condition goals", () => {
    // Act
    const { goals } = world();

    // Assess
    expect(goals).toEqual([
      {
        eventType: 'order.placed',
        journey: 'cart-abandonment',
        subjectKey: 'cart-1',
        where: { 'data.cartId': { equals: '$subject' } },
        as: 'ordered',
        executionArn: CART_RUN,
        since: '2026-03-01T09:00:00.000Z',
        triggerType: 'cart.updated',
        eventTypes: ['order.placed', 'checkout.started'],
        expiresAt: '2026-05-30T09:00:01.000Z',
      },
      expect.objectContaining({ eventType: 'checkout.started', as: 'checked-out' }),
    ]);
  });
});

describe('Function: endRunsReaching', () => {
  it('stops the run at once when its goal is reached, records why, and forgets its goals', async () => {
    // Prepare
    const { runs, stopper, messaging, flow, deps, goals } = world();
    await watchGoals(deps, customer, goals);

    // Act
    const other = await endRunsReaching(deps, customer, order('cart-2'));
    const ended = await endRunsReaching(deps, customer, order('cart-1'));
    const again = await endRunsReaching(deps, customer, order('cart-1'));

    // Assess: another cart's order leaves the run alone
    expect(other).toEqual([]);
    expect(ended.map((goal) => goal.as)).toEqual(['ordered']);
    expect(again).toEqual([]);
    expect(stopper.stopped).toEqual([{ executionArn: CART_RUN, cause: 'ordered' }]);
    expect([...messaging.exits.values()]).toEqual([
      expect.objectContaining({
        journey: 'cart-abandonment',
        subjectKey: 'cart-1',
        step: 'goal',
        reason: 'ordered',
      }),
    ]);
    expect(runs.goals.size).toBe(0);
    const span = {
      from: new Date('2026-03-01'),
      to: new Date('2026-03-01'),
      now: new Date('2026-03-01T10:00:01Z'),
    };
    expect((await flow.read('demo', 'cart-abandonment', span)).counts).toEqual({
      goal: { 'exited:ordered': 1 },
    });
  });

  it('counts an event of another type from the trigger on, but not one before it', async () => {
    // Prepare
    const { stopper, deps, goals } = world();
    await watchGoals(deps, customer, goals);

    // Act
    const before = await endRunsReaching(deps, customer, {
      id: 'co-0',
      type: 'checkout.started',
      occurredAt: '2026-03-01T08:59:59.999Z',
      data: {},
    });
    const atTrigger = await endRunsReaching(deps, customer, {
      id: 'co-1',
      type: 'checkout.started',
      occurredAt: '2026-03-01T09:00:00.000Z',
      data: {},
    });

    // Assess
    expect(before).toEqual([]);
    expect(atTrigger.map((goal) => goal.as)).toEqual(['checked-out']);
    expect(stopper.stopped).toHaveLength(1);
  });

  it('records nothing for a run that already ended', async () => {
    // Prepare
    const { stopper, messaging, deps, goals } = world();
    stopper.running.clear();
    await watchGoals(deps, customer, goals);

    // Act
    const ended = await endRunsReaching(deps, customer, order('cart-1'));

    // Assess
    expect(ended).toEqual([]);
    expect(messaging.exits.size).toBe(0);
  });
});

describe('Function: watchGoals', () => {
  it('ends a run at once whose goal was reached while it was being started', async () => {
    // Prepare: the router recorded the order before the entry function kept the run's goals
    const { runs, stopper, deps, goals } = world();
    await runs.recordSeenEvent(customer, order('cart-1'));

    // Act
    const ended = await watchGoals(deps, customer, goals);

    // Assess
    expect(ended?.as).toBe('ordered');
    expect(stopper.stopped).toEqual([{ executionArn: CART_RUN, cause: 'ordered' }]);
    expect(runs.goals.size).toBe(0);
  });
});

describe('Function: endRunsReaching, racing a step', () => {
  it("counts the run's end once when a step had already ended it at its own goal check", async () => {
    // Prepare: the step exited the run (and claimed its end) while the router was stopping it
    const { runs, messaging, flow, deps, goals } = world();
    await watchGoals(deps, customer, goals);
    await runs.claimRunEnd(customer, 'cart-abandonment', CART_RUN, '2026-03-01T10:00:00.500Z');

    // Act
    const ended = await endRunsReaching(deps, customer, order('cart-1'));

    // Assess: stopped, but neither recorded nor counted again
    expect(ended).toEqual([]);
    expect(messaging.exits.size).toBe(0);
    expect(flow.days.size).toBe(0);
  });
});

describe('Function: stopRun', () => {
  it("stops a superseded run once, counts it at the goal node and leaves the customer's story alone", async () => {
    // Prepare
    const { stopper, messaging, flow, deps } = world();
    const run = { journey: 'cart-abandonment', subjectKey: 'cart-1', executionArn: CART_RUN };

    // Act
    const stopped = await stopRun(deps, customer, run, 'superseded');
    const again = await stopRun(deps, customer, run, 'superseded');

    // Assess
    expect([stopped, again]).toEqual([true, false]);
    expect(stopper.stopped).toEqual([{ executionArn: CART_RUN, cause: 'superseded' }]);
    expect(messaging.exits.size).toBe(0);
    const day = new Date('2026-03-01');
    expect((await flow.read('demo', 'cart-abandonment', { from: day, to: day, now: day })).counts).toEqual({
      goal: { 'exited:superseded': 1 },
    });
  });

  it('counts nothing when a step of the run ended it first', async () => {
    // Prepare: the older run's step found it superseded and claimed its end
    const { runs, flow, deps } = world();
    await runs.claimRunEnd(customer, 'cart-abandonment', CART_RUN);

    // Act
    const stopped = await stopRun(
      deps,
      customer,
      { journey: 'cart-abandonment', subjectKey: 'cart-1', executionArn: CART_RUN },
      'superseded',
    );

    // Assess
    expect(stopped).toBe(false);
    const day = new Date('2026-03-01');
    expect((await flow.read('demo', 'cart-abandonment', { from: day, to: day, now: day })).counts).toEqual(
      {},
    );
  });
});
