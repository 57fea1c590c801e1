import { runScenario } from '#tests/journeys/compiled-journeys.ts';
import { JOURNEY_SCENARIOS } from '#tests/journeys/journey-scenarios.ts';
import { formatUsd } from './format.ts';
import type { BenchSection } from './section.ts';

/**
 * Step Functions Standard workflows bill every state entered and every retry. AWS's price in us-east-1,
 * as of 2026-11-22; the free tier (4,000 transitions a month) is left out.
 */
export const STANDARD_TRANSITION_PRICE = {
  usdPerThousandTransitions: 0.025,
  region: 'us-east-1',
  asOf: '2026-11-22',
} as const;

/** What 1,000 executions that each take `transitions` state transitions cost. */
export function costPerThousandRuns(transitions: number): number {
  // 1,000 runs × transitions × (price per 1,000 transitions) = transitions × price.
  return transitions * STANDARD_TRANSITION_PRICE.usdPerThousandTransitions;
}

/**
 * State transitions per execution for every named journey scenario of the compiled journeys, run by
 * the same machinery as tests/journeys (aws-local-stepfunctions, scripted node answers), and what
 * 1,000 such runs cost.
 */
export const journeyCostSection: BenchSection = {
  name: 'journey-cost',
  title: 'journey cost',
  run: async () => {
    const scenarios: {
      journey: string;
      scenario: string;
      transitions: number;
      costPer1000RunsUsd: number;
    }[] = [];
    for (const [scenario, definition] of Object.entries(JOURNEY_SCENARIOS)) {
      const run = await runScenario(definition);
      scenarios.push({
        journey: definition.journey,
        scenario: scenario.replace(/^[^:]+: /, ''),
        transitions: run.transitions,
        costPer1000RunsUsd: Number(costPerThousandRuns(run.transitions).toFixed(4)),
      });
    }
    return {
      figures: { price: STANDARD_TRANSITION_PRICE, scenarios },
      rows: scenarios.map((row) => ({
        figure: `${row.journey} · ${row.scenario}`,
        value: `${row.transitions} transitions`,
        alongside: `${formatUsd(row.costPer1000RunsUsd)} per 1,000 runs`,
      })),
    };
  },
};
