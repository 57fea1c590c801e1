import { describe, expect, it } from 'vitest';
import { runScenario } from './scenario.ts';
import { WIN_BACK_SCENARIOS as SCENARIOS } from './win-back.scenarios.ts';

describe('State machine: win-back', () => {
  it('sends "we miss you" at once and the incentive two weeks later', async () => {
    // Prepare
    const scenario = SCENARIOS['happy path'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.status).toBe('succeeded');
    expect(run.path).toEqual([
      'Enter',
      'EnterOutcome',
      'WeMissYou',
      'WeMissYouOutcome',
      'WaitForIncentive',
      'Incentive',
      'IncentiveOutcome',
      'Completed',
    ]);
    expect(run.waits).toEqual([{ state: 'WaitForIncentive', seconds: 14 * 86_400 }]);
    expect(run.world.sent).toEqual(['win-back.we-miss-you', 'win-back.incentive']);
  });

  it('sends no incentive to a customer who ordered during the wait', async () => {
    // Prepare
    const scenario = SCENARIOS['purchased during the wait'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.world.sent).toEqual(['win-back.we-miss-you']);
    expect(run.last).toMatchObject({ outcome: 'exited', reason: 'ordered' });
  });

  it('sends no incentive to a customer who unsubscribed during the wait', async () => {
    // Prepare
    const scenario = SCENARIOS['unsubscribed mid-journey'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.world.sent).toEqual(['win-back.we-miss-you']);
    expect(run.path.at(-1)).toBe('Exited');
  });

  it('defers "we miss you" past the frequency cap and re-checks before sending', async () => {
    // Prepare
    const scenario = SCENARIOS['capped and deferred'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.path.slice(2, 7)).toEqual([
      'WeMissYou',
      'WeMissYouOutcome',
      'DeferWeMissYou',
      'WeMissYou',
      'WeMissYouOutcome',
    ]);
    expect(run.waits[0]).toEqual({ state: 'DeferWeMissYou', until: '2026-03-04T09:00:00.000Z' });
    expect(run.world.sent).toEqual(['win-back.we-miss-you', 'win-back.incentive']);
  });

  it('holds the incentive until quiet hours end', async () => {
    // Prepare
    const scenario = SCENARIOS['quiet hours'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.waits.at(-1)).toEqual({ state: 'DeferIncentive', until: '2026-03-17T07:00:00.000Z' });
    expect(run.world.sent).toEqual(['win-back.we-miss-you', 'win-back.incentive']);
  });

  it('ends at once when the scan started the customer twice', async () => {
    // Prepare
    const scenario = SCENARIOS['duplicate trigger'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.path).toEqual(['Enter', 'EnterOutcome', 'Exited']);
    expect(run.world.sent).toEqual([]);
  });

  it('completes after "we miss you" when the incentive is switched off', async () => {
    // Prepare
    const scenario = SCENARIOS['step disabled'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.world.sent).toEqual(['win-back.we-miss-you']);
    expect(run.path.at(-1)).toBe('Completed');
  });
});
