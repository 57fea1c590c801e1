import { describe, expect, it } from 'vitest';
import { REPLENISHMENT_SCENARIOS as SCENARIOS } from './replenishment.scenarios.ts';
import { runScenario } from './scenario.ts';

describe('State machine: replenishment', () => {
  it('waits as long as enter says and sends one reorder reminder', async () => {
    // Prepare
    const scenario = SCENARIOS['happy path'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.status).toBe('succeeded');
    expect(run.path).toEqual([
      'Enter',
      'EnterOutcome',
      'WaitForReorderReminder',
      'ReorderReminder',
      'ReorderReminderOutcome',
      'Completed',
    ]);
    expect(run.waits).toEqual([{ state: 'WaitForReorderReminder', seconds: 27 * 86_400 }]);
    expect(run.world.sent).toEqual(['replenishment.reorder-reminder']);
  });

  it('sends no reminder when the customer re-ordered meanwhile', async () => {
    // Prepare
    const scenario = SCENARIOS['re-ordered during the wait'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.world.sent).toEqual([]);
    expect(run.path.at(-1)).toBe('Exited');
    expect(run.last).toMatchObject({ outcome: 'exited', reason: 'reordered' });
  });

  it('ends at enter when no product of the order has a reorder interval', async () => {
    // Prepare
    const scenario = SCENARIOS['nothing replenishable'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.path).toEqual(['Enter', 'EnterOutcome', 'Exited']);
    expect(run.world.sent).toEqual([]);
  });

  it('sends nothing to a customer who unsubscribed during the wait', async () => {
    // Prepare
    const scenario = SCENARIOS['unsubscribed mid-journey'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.world.sent).toEqual([]);
    expect(run.last).toMatchObject({ outcome: 'exited', reason: 'unsubscribed' });
  });

  it('defers the reminder past the frequency cap and sends it then', async () => {
    // Prepare
    const scenario = SCENARIOS['capped and deferred'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.waits.at(-1)).toEqual({ state: 'DeferReorderReminder', until: '2026-03-30T09:00:00.000Z' });
    expect(run.world.sent).toEqual(['replenishment.reorder-reminder']);
  });

  it('holds the reminder until quiet hours end', async () => {
    // Prepare
    const scenario = SCENARIOS['quiet hours'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.path.slice(3)).toEqual([
      'ReorderReminder',
      'ReorderReminderOutcome',
      'DeferReorderReminder',
      'ReorderReminder',
      'ReorderReminderOutcome',
      'Completed',
    ]);
    expect(run.world.sent).toEqual(['replenishment.reorder-reminder']);
  });

  it('ends at once for an order another execution already claimed', async () => {
    // Prepare
    const scenario = SCENARIOS['duplicate trigger'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.path).toEqual(['Enter', 'EnterOutcome', 'Exited']);
    expect(run.last).toMatchObject({ reason: 'duplicate-trigger' });
  });

  it('completes without a mail when the reminder is switched off', async () => {
    // Prepare
    const scenario = SCENARIOS['step disabled'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.world.sent).toEqual([]);
    expect(run.last).toMatchObject({ outcome: 'skipped', reason: 'step-disabled' });
  });
});
