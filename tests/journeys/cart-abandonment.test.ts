import { describe, expect, it } from 'vitest';
import { CART_ABANDONMENT_SCENARIOS as SCENARIOS } from './cart-abandonment.scenarios.ts';
import { runScenario } from './scenario.ts';

describe('State machine: cart-abandonment', () => {
  it('sends three reminders, after an hour, a day and three days, while the cart stays open', async () => {
    // Prepare
    const scenario = SCENARIOS['happy path'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.status).toBe('succeeded');
    expect(run.path).toEqual([
      'Enter',
      'EnterOutcome',
      'WaitForReminder1',
      'Reminder1',
      'Reminder1Outcome',
      'WaitForReminder2',
      'Reminder2',
      'Reminder2Outcome',
      'WaitForLastChance',
      'LastChance',
      'LastChanceOutcome',
      'Completed',
    ]);
    expect(run.waits).toEqual([
      { state: 'WaitForReminder1', seconds: 3600 },
      { state: 'WaitForReminder2', seconds: 23 * 3600 },
      { state: 'WaitForLastChance', seconds: 48 * 3600 },
    ]);
    expect(run.world.sent).toEqual([
      'cart-abandonment.reminder-1',
      'cart-abandonment.reminder-2',
      'cart-abandonment.last-chance',
    ]);
  });

  it('sends one reminder when the cart is still open after an hour and stops once it is ordered', async () => {
    // Prepare
    const scenario = SCENARIOS['purchased during the wait'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.world.sent).toEqual(['cart-abandonment.reminder-1']);
    expect(run.path.slice(-3)).toEqual(['Reminder2', 'Reminder2Outcome', 'Exited']);
    expect(run.last).toMatchObject({ outcome: 'exited', reason: 'ordered' });
  });

  it('exits quietly at its first check when a newer update of the cart superseded it', async () => {
    // Prepare
    const scenario = SCENARIOS['cart updated again'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.path).toEqual([
      'Enter',
      'EnterOutcome',
      'WaitForReminder1',
      'Reminder1',
      'Reminder1Outcome',
      'Exited',
    ]);
    expect(run.last).toMatchObject({ outcome: 'exited', reason: 'superseded' });
    expect(run.world.sent).toEqual([]);
  });

  it('stops after the first reminder when the customer unsubscribes', async () => {
    // Prepare
    const scenario = SCENARIOS['unsubscribed mid-journey'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.world.sent).toEqual(['cart-abandonment.reminder-1']);
    expect(run.last).toMatchObject({ outcome: 'exited', reason: 'unsubscribed' });
  });

  it('defers the second reminder past the frequency cap, then re-checks and sends it', async () => {
    // Prepare
    const scenario = SCENARIOS['capped and deferred'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.path).toContain('DeferReminder2');
    expect(run.waits).toContainEqual({ state: 'DeferReminder2', until: '2026-03-03T15:00:00.000Z' });
    expect(run.world.stepsCalled.filter((step) => step === 'reminder-2')).toHaveLength(2);
    expect(run.world.sent).toHaveLength(3);
  });

  it('holds the first reminder until quiet hours end', async () => {
    // Prepare
    const scenario = SCENARIOS['quiet hours'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.path.slice(3, 8)).toEqual([
      'Reminder1',
      'Reminder1Outcome',
      'DeferReminder1',
      'Reminder1',
      'Reminder1Outcome',
    ]);
    expect(run.world.sent).toHaveLength(3);
  });

  it('ends at once for a cart update another execution already claimed', async () => {
    // Prepare
    const scenario = SCENARIOS['duplicate trigger'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.path).toEqual(['Enter', 'EnterOutcome', 'Exited']);
    expect(run.world.sent).toEqual([]);
  });

  it('skips a switched-off second reminder and still sends the last chance', async () => {
    // Prepare
    const scenario = SCENARIOS['step disabled'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.world.sent).toEqual(['cart-abandonment.reminder-1', 'cart-abandonment.last-chance']);
    expect(run.waits.map((wait) => wait.state)).toEqual([
      'WaitForReminder1',
      'WaitForReminder2',
      'WaitForLastChance',
    ]);
  });

  it('retries a throttled journey-step call and sends the reminder once', async () => {
    // Prepare
    const scenario = SCENARIOS['throttled call retried'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.status).toBe('succeeded');
    expect(run.world.sent.filter((template) => template === 'cart-abandonment.reminder-1')).toHaveLength(1);
    expect(run.transitions).toBe(run.path.length + 2);
  });

  it('fails the execution when the step defers without a time to wait for', async () => {
    // Prepare
    const scenario = SCENARIOS['deferral without a time'];

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.status).toBe('failed');
    expect(run.error).toBe('JourneyStep.UnexpectedAnswer');
    expect(run.path.at(-1)).toBe('UnexpectedAnswer');
  });
});
