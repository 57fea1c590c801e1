import { describe, expect, it } from 'vitest';
import type { JourneyId } from '#journeys/config/journey-schema.ts';
import { JOURNEY_SCENARIOS } from './journey-scenarios.ts';
import { runScenario, type Scenario } from './scenario.ts';

/**
 * Standard workflows are billed per state transition (each state entered, each retry). A change to an ASL
 * file that moves these numbers should be a decision, so they are pinned here.
 */
const EXPECTED_TRANSITIONS: Record<JourneyId, Record<string, number>> = {
  welcome: {
    'happy path': 11,
    'purchased during the wait': 11,
    'unsubscribed mid-journey': 8,
    'capped and deferred': 14,
    'quiet hours': 14,
    'duplicate trigger': 3,
    'step disabled': 11,
  },
  'browse-abandonment': {
    'happy path': 6,
    'purchased during the wait': 6,
    'carted during the wait': 6,
    'unsubscribed mid-journey': 6,
    'capped and skipped': 6,
    'quiet hours': 9,
    'duplicate trigger': 3,
    'step disabled': 6,
  },
  'cart-abandonment': {
    'happy path': 12,
    'purchased during the wait': 9,
    'cart updated again': 6,
    'unsubscribed mid-journey': 9,
    'capped and deferred': 15,
    'quiet hours': 15,
    'duplicate trigger': 3,
    'step disabled': 12,
    'throttled call retried': 14,
    'deferral without a time': 6,
  },
  'post-purchase': {
    'happy path': 13,
    'fulfilled on the third poll': 21,
    'never fulfilled': 127,
    'cancelled before fulfilment': 7,
    'unsubscribed before the order': 10,
    'capped: review deferred, cross-sell skipped': 16,
    'quiet hours': 16,
    'duplicate trigger': 3,
    'step disabled': 13,
  },
  replenishment: {
    'happy path': 6,
    're-ordered during the wait': 6,
    'nothing replenishable': 3,
    'unsubscribed mid-journey': 6,
    'capped and deferred': 9,
    'quiet hours': 9,
    'duplicate trigger': 3,
    'step disabled': 6,
  },
  'win-back': {
    'happy path': 8,
    'purchased during the wait': 8,
    'unsubscribed mid-journey': 8,
    'capped and deferred': 11,
    'quiet hours': 11,
    'duplicate trigger': 3,
    'step disabled': 8,
  },
};

describe('State machines: billed transitions', () => {
  it('prints the transitions of every named scenario and keeps them where they were decided', async () => {
    // Prepare
    const rows: { journey: JourneyId; scenario: string; transitions: number; end: string }[] = [];

    // Act
    for (const [journey, scenarios] of Object.entries(JOURNEY_SCENARIOS) as [
      JourneyId,
      Record<string, Scenario>,
    ][]) {
      for (const [name, scenario] of Object.entries(scenarios)) {
        const run = await runScenario(scenario);
        rows.push({ journey, scenario: name, transitions: run.transitions, end: run.path.at(-1) ?? '' });
      }
    }

    // Assess
    console.log(formatTable(rows));
    const counted: Record<string, Record<string, number>> = {};
    for (const row of rows)
      counted[row.journey] = { ...counted[row.journey], [row.scenario]: row.transitions };
    expect(counted).toEqual(EXPECTED_TRANSITIONS);
  });
});

function formatTable(
  rows: { journey: string; scenario: string; transitions: number; end: string }[],
): string {
  const header = { journey: 'journey', scenario: 'scenario', transitions: 'transitions', end: 'ends in' };
  const cells = [header, ...rows.map((row) => ({ ...row, transitions: String(row.transitions) }))];
  const width = (key: keyof typeof header) => Math.max(...cells.map((cell) => cell[key].length));
  const line = (cell: typeof header) =>
    [
      cell.journey.padEnd(width('journey')),
      cell.scenario.padEnd(width('scenario')),
      cell.transitions.padStart(width('transitions')),
      cell.end,
    ].join(' | ');
  return cells.map(line).join('\n');
}
