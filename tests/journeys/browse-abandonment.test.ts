import { describe, expect, it } from 'vitest';
import { BROWSE_ABANDONMENT_SCENARIOS as SCENARIOS } from './browse-abandonment.scenarios.ts';
import { runScenario } from './scenario.ts';

describe('State machine: browse-abandonment', () => {
  it('sends one browse reminder two hours after the view', async () => {
    // Prepare
    const scenario = SCENARIOS['happy path'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.status).toBe('succeeded');
    expect(run.path).toEqual([
      'Enter',
      'EnterOutcome',
      'WaitForReminder',
      'Reminder',
      'ReminderOutcome',
      'Completed',
    ]);
    expect(run.waits).toEqual([{ state: 'WaitForReminder', seconds: 2 * 3600 }]);
    expect(run.world.sent).toEqual(['browse-abandonment.reminder']);
  });

  it('sends nothing when the customer ordered during the wait', async () => {
    // Prepare
    const scenario = SCENARIOS['purchased during the wait'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.world.sent).toEqual([]);
    expect(run.path.at(-1)).toBe('Exited');
    expect(run.last).toMatchObject({ outcome: 'exited', reason: 'ordered' });
  });

  it('sends nothing when the customer changed their cart during the wait', async () => {
    // Prepare
    const scenario = SCENARIOS['carted during the wait'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.world.sent).toEqual([]);
    expect(run.last).toMatchObject({ outcome: 'exited', reason: 'cart-activity' });
  });

  it('sends nothing to a customer who unsubscribed during the wait', async () => {
    // Prepare
    const scenario = SCENARIOS['unsubscribed mid-journey'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.world.sent).toEqual([]);
    expect(run.path.at(-1)).toBe('Exited');
  });

  it('drops the reminder instead of deferring it when the frequency cap is reached', async () => {
    // Prepare
    const scenario = SCENARIOS['capped and skipped'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.world.calls.at(-1)).toEqual({ step: 'reminder', outcome: 'skipped', reason: 'capped' });
    expect(run.world.sent).toEqual([]);
    expect(run.path.at(-1)).toBe('Completed');
  });

  it('holds the reminder until quiet hours end', async () => {
    // Prepare
    const scenario = SCENARIOS['quiet hours'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.path.slice(3)).toEqual([
      'Reminder',
      'ReminderOutcome',
      'DeferReminder',
      'Reminder',
      'ReminderOutcome',
      'Completed',
    ]);
    expect(run.waits.at(-1)).toEqual({ state: 'DeferReminder', until: '2026-03-03T07:00:00.000Z' });
    expect(run.world.sent).toEqual(['browse-abandonment.reminder']);
  });

  it('ends at once for a trigger another execution already claimed', async () => {
    // Prepare
    const scenario = SCENARIOS['duplicate trigger'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.path).toEqual(['Enter', 'EnterOutcome', 'Exited']);
    expect(run.world.sent).toEqual([]);
  });

  it('completes without a mail when the reminder is switched off', async () => {
    // Prepare
    const scenario = SCENARIOS['step disabled'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.last).toMatchObject({ outcome: 'skipped', reason: 'step-disabled' });
    expect(run.world.sent).toEqual([]);
    expect(run.path.at(-1)).toBe('Completed');
  });
});
