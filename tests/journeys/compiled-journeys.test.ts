import { describe, expect, it } from 'vitest';
import { runScenario } from './compiled-journeys.ts';
import { JOURNEY_SCENARIOS } from './journey-scenarios.ts';

describe('Compiled journeys: named scenarios', () => {
  it.each(Object.entries(JOURNEY_SCENARIOS))(
    '%s ends as it should and costs no more transitions than pinned',
    async (_name, scenario) => {
      // Act
      const run = await runScenario(scenario);

      // Assess
      expect(run.status).toBe('succeeded');
      expect(run.path.at(-1) ?? 'NoRun').toBe(scenario.ends);
      expect(run.transitions).toBeLessThanOrEqual(scenario.transitions);
    },
  );

  it('sends the cart reminders in order, an hour, a day and three days apart', async () => {
    // Act
    const run = await runScenario({ journey: 'cart-abandonment' });

    // Assess
    expect(run.sent).toEqual([
      'cart-abandonment.reminder-1',
      'cart-abandonment.reminder-2',
      'cart-abandonment.last-chance',
    ]);
    expect(run.path).toEqual([
      'Wait1',
      'Reminder1',
      'Reminder1Outcome',
      'Wait3',
      'Reminder2',
      'Reminder2Outcome',
      'Wait5',
      'LastChance',
      'LastChanceOutcome',
      'Completed',
    ]);
  });

  it('asks a held-back mail again at the time the send path gave', async () => {
    // Act
    const run = await runScenario(JOURNEY_SCENARIOS['welcome: held back by quiet hours once']!);

    // Assess
    expect(run.calls.filter((call) => call === 'welcome')).toHaveLength(2);
    expect(run.path.slice(0, 4)).toEqual(['Welcome', 'WelcomeOutcome', 'DeferWelcome', 'Welcome']);
  });

  it('waits for the shipment with a task token and ends at the timeout when it never comes', async () => {
    // Act
    const run = await runScenario(JOURNEY_SCENARIOS['post-purchase: never fulfilled']!);

    // Assess
    expect(run.path).toEqual([
      'OrderConfirmation',
      'OrderConfirmationOutcome',
      'AwaitFulfilment',
      'Completed',
    ]);
    expect(run.sent).toEqual(['post-purchase.order-confirmation']);
  });

  it('lets entry work out the reorder date, so the run starts by waiting for it', async () => {
    // Act
    const run = await runScenario(JOURNEY_SCENARIOS['replenishment: reminder before it runs out']!);

    // Assess
    expect(run.path).toEqual(['UntilDueUntil', 'ReorderReminder', 'ReorderReminderOutcome', 'Completed']);
  });
});
