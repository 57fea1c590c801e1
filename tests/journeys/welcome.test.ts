import { describe, expect, it } from 'vitest';
import { runScenario } from './scenario.ts';
import { WELCOME_SCENARIOS as SCENARIOS } from './welcome.scenarios.ts';

describe('State machine: welcome', () => {
  it('sends the welcome at once, best sellers after two days and the incentive three days later', async () => {
    // Prepare
    const scenario = SCENARIOS['happy path'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.status).toBe('succeeded');
    expect(run.path).toEqual([
      'Enter',
      'EnterOutcome',
      'Welcome',
      'WelcomeOutcome',
      'WaitForBestsellers',
      'Bestsellers',
      'BestsellersOutcome',
      'WaitForFirstOrderIncentive',
      'FirstOrderIncentive',
      'FirstOrderIncentiveOutcome',
      'Completed',
    ]);
    expect(run.world.sent).toEqual([
      'welcome.welcome',
      'welcome.bestsellers',
      'welcome.first-order-incentive',
    ]);
    expect(run.waits).toEqual([
      { state: 'WaitForBestsellers', seconds: 2 * 86_400 },
      { state: 'WaitForFirstOrderIncentive', seconds: 3 * 86_400 },
    ]);
  });

  it('exits without the incentive when the customer orders during the wait', async () => {
    // Prepare
    const scenario = SCENARIOS['purchased during the wait'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.world.sent).toEqual(['welcome.welcome', 'welcome.bestsellers']);
    expect(run.path.slice(-3)).toEqual(['FirstOrderIncentive', 'FirstOrderIncentiveOutcome', 'Exited']);
    expect(run.last).toMatchObject({ outcome: 'exited', reason: 'ordered' });
  });

  it('exits at the next step when the customer unsubscribes after the welcome', async () => {
    // Prepare
    const scenario = SCENARIOS['unsubscribed mid-journey'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.world.sent).toEqual(['welcome.welcome']);
    expect(run.world.stepsCalled).toEqual(['enter', 'welcome', 'bestsellers']);
    expect(run.path.at(-1)).toBe('Exited');
  });

  it('waits for the frequency cap and asks again before sending best sellers', async () => {
    // Prepare
    const scenario = SCENARIOS['capped and deferred'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.world.stepsCalled).toEqual([
      'enter',
      'welcome',
      'bestsellers',
      'bestsellers',
      'first-order-incentive',
    ]);
    expect(run.waits).toContainEqual({ state: 'DeferBestsellers', until: '2026-03-05T09:00:00.000Z' });
    expect(run.world.sent).toEqual([
      'welcome.welcome',
      'welcome.bestsellers',
      'welcome.first-order-incentive',
    ]);
  });

  it('holds the welcome until quiet hours end', async () => {
    // Prepare
    const scenario = SCENARIOS['quiet hours'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.path.slice(0, 7)).toEqual([
      'Enter',
      'EnterOutcome',
      'Welcome',
      'WelcomeOutcome',
      'DeferWelcome',
      'Welcome',
      'WelcomeOutcome',
    ]);
    expect(run.waits[0]).toEqual({ state: 'DeferWelcome', until: '2026-03-03T07:00:00.000Z' });
    expect(run.world.sent).toHaveLength(3);
  });

  it('ends at once for a trigger another execution already claimed', async () => {
    // Prepare
    const scenario = SCENARIOS['duplicate trigger'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.path).toEqual(['Enter', 'EnterOutcome', 'Exited']);
    expect(run.last).toMatchObject({ outcome: 'exited', reason: 'duplicate-trigger' });
    expect(run.world.sent).toEqual([]);
  });

  it('goes on to the incentive when best sellers is switched off', async () => {
    // Prepare
    const scenario = SCENARIOS['step disabled'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.world.calls).toContainEqual({
      step: 'bestsellers',
      outcome: 'skipped',
      reason: 'step-disabled',
    });
    expect(run.world.sent).toEqual(['welcome.welcome', 'welcome.first-order-incentive']);
    expect(run.path.at(-1)).toBe('Completed');
  });
});
