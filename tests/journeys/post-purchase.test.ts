import { describe, expect, it } from 'vitest';
import { journeyRunConfig } from '#journeys/config/journeys-config.ts';
import { PLACED_AT } from './journey-world.ts';
import { POST_PURCHASE_SCENARIOS as SCENARIOS } from './post-purchase.scenarios.ts';
import { runScenario } from './scenario.ts';

const DAY = 86_400;

describe('State machine: post-purchase', () => {
  it('confirms the order, asks for a review five days after fulfilment and cross-sells two weeks later', async () => {
    // Prepare
    const scenario = SCENARIOS['happy path'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.status).toBe('succeeded');
    expect(run.path).toEqual([
      'Enter',
      'EnterOutcome',
      'OrderConfirmation',
      'OrderConfirmationOutcome',
      'AwaitFulfilment',
      'AwaitFulfilmentOutcome',
      'WaitForReviewRequest',
      'ReviewRequest',
      'ReviewRequestOutcome',
      'WaitForCrossSell',
      'CrossSell',
      'CrossSellOutcome',
      'Completed',
    ]);
    expect(run.waits).toEqual([
      { state: 'WaitForReviewRequest', seconds: 5 * DAY },
      { state: 'WaitForCrossSell', seconds: 14 * DAY },
    ]);
    expect(run.world.sent).toEqual([
      'post-purchase.order-confirmation',
      'post-purchase.review-request',
      'post-purchase.cross-sell',
    ]);
  });

  it('polls daily until the order is fulfilled, then goes on to the review request', async () => {
    // Prepare
    const scenario = SCENARIOS['fulfilled on the third poll'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.path.slice(4, 15)).toEqual([
      'AwaitFulfilment',
      'AwaitFulfilmentOutcome',
      'FirstFulfilmentPoll',
      'WaitForFulfilment',
      'AwaitFulfilment',
      'AwaitFulfilmentOutcome',
      'CountFulfilmentPoll',
      'WaitForFulfilment',
      'AwaitFulfilment',
      'AwaitFulfilmentOutcome',
      'WaitForReviewRequest',
    ]);
    expect(run.waits.slice(0, 2)).toEqual([
      { state: 'WaitForFulfilment', until: new Date(Date.parse(PLACED_AT) + DAY * 1000).toISOString() },
      { state: 'WaitForFulfilment', until: new Date(Date.parse(PLACED_AT) + 2 * DAY * 1000).toISOString() },
    ]);
    expect(run.world.sent).toHaveLength(3);
  });

  it('gives up after the configured number of polls when the order is never fulfilled', async () => {
    // Prepare
    const scenario = SCENARIOS['never fulfilled'];
    const { maxPolls } = journeyRunConfig('post-purchase').fulfilment;

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.status).toBe('succeeded');
    expect(run.path.at(-1)).toBe('FulfilmentNotSeen');
    expect(run.world.stepsCalled.filter((step) => step === 'await-fulfilment')).toHaveLength(maxPolls + 1);
    expect(run.path.filter((state) => state === 'WaitForFulfilment')).toHaveLength(maxPolls);
    expect(run.world.sent).toEqual(['post-purchase.order-confirmation']);
  });

  it('exits without asking for a review when the order is cancelled', async () => {
    // Prepare
    const scenario = SCENARIOS['cancelled before fulfilment'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.path.slice(-3)).toEqual(['AwaitFulfilment', 'AwaitFulfilmentOutcome', 'Exited']);
    expect(run.last).toMatchObject({ outcome: 'exited', reason: 'order-cancelled' });
    expect(run.world.sent).toEqual(['post-purchase.order-confirmation']);
  });

  it('still confirms the order to an unsubscribed customer but sends no marketing', async () => {
    // Prepare
    const scenario = SCENARIOS['unsubscribed before the order'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.world.sent).toEqual(['post-purchase.order-confirmation']);
    expect(run.path.slice(-3)).toEqual(['ReviewRequest', 'ReviewRequestOutcome', 'Exited']);
    expect(run.last).toMatchObject({ outcome: 'exited', reason: 'unsubscribed' });
  });

  it('defers a capped review request but drops a capped cross-sell', async () => {
    // Prepare
    const scenario = SCENARIOS['capped: review deferred, cross-sell skipped'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.waits).toContainEqual({ state: 'DeferReviewRequest', until: '2026-03-09T09:00:00.000Z' });
    expect(run.world.calls.at(-1)).toEqual({ step: 'cross-sell', outcome: 'skipped', reason: 'capped' });
    expect(run.world.sent).toEqual(['post-purchase.order-confirmation', 'post-purchase.review-request']);
  });

  it('holds the review request until quiet hours end', async () => {
    // Prepare
    const scenario = SCENARIOS['quiet hours'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.path).toContain('DeferReviewRequest');
    expect(run.waits).toContainEqual({ state: 'DeferReviewRequest', until: '2026-03-09T07:00:00.000Z' });
    expect(run.world.sent).toHaveLength(3);
  });

  it('ends at once for an order another execution already claimed', async () => {
    // Prepare
    const scenario = SCENARIOS['duplicate trigger'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.path).toEqual(['Enter', 'EnterOutcome', 'Exited']);
    expect(run.world.sent).toEqual([]);
  });

  it('completes without the cross-sell when it is switched off', async () => {
    // Prepare
    const scenario = SCENARIOS['step disabled'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.world.sent).toEqual(['post-purchase.order-confirmation', 'post-purchase.review-request']);
    expect(run.last).toMatchObject({ outcome: 'skipped', reason: 'step-disabled' });
    expect(run.path.at(-1)).toBe('Completed');
  });
});
