import { beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '#local/simulate/build-report.ts';
import { findPersonalData } from '#local/simulate/log-privacy.ts';
import { loadPriceTable } from '#local/simulate/price-table.ts';
import type { SimulationReport } from '#local/simulate/report.ts';
import { runSimulation, type SimulationRun } from '#local/simulate/run-simulation.ts';

const OPTIONS = { customers: 40, days: 6, seed: 11 };

/**
 * What a seed decides exactly: the shoppers, the journeys, the mails and what they earned. Not which
 * goal ended a run when two goal events arrived in the same step (an order and a cart change): that
 * depends on the order SQS batches them in; how many runs ended, and at which step, does not.
 */
const outcomes = ({ options, groundTruth, journeys, deliverability }: SimulationReport) => ({
  options,
  groundTruth,
  journeys: journeys.map(({ reasons, ...row }) => ({
    ...row,
    exitsByStep: byStep(reasons?.exited ?? {}),
    skippedBy: reasons?.skipped,
    deferredBy: reasons?.deferred,
  })),
  deliverability,
});

/** `{ 'goal: ordered': 2, 'goal: cart-changed': 3 }` → `{ goal: 5 }`. */
function byStep(reasons: Record<string, number>): Record<string, number> {
  const steps: Record<string, number> = {};
  for (const [key, count] of Object.entries(reasons)) {
    const step = key.split(': ')[0] ?? '';
    steps[step] = (steps[step] ?? 0) + count;
  }
  return steps;
}

/** `simulate` through the real local runtime: the same seed must give the same report. */
describe('Function: runSimulation', () => {
  let first: SimulationRun;
  let second: SimulationRun;
  const logLines: string[] = [];

  beforeAll(async () => {
    first = await runSimulation({ ...OPTIONS, onLogLine: (_, line) => logLines.push(line) });
    second = await runSimulation(OPTIONS);
  }, 600_000);

  it('gives the same journeys, mails and revenue for the same seed, and a bill within 1 %', async () => {
    // Prepare
    const prices = await loadPriceTable();

    // Act
    const [one, two] = [buildReport(first, prices), buildReport(second, prices)];

    // Assess: SQS batches form as messages arrive, so request units may differ by a few
    expect(outcomes(two)).toEqual(outcomes(one));
    expect(two.operations.stepFunctionsTransitions).toBe(one.operations.stepFunctionsTransitions);
    expect(two.operations.sesMails).toBe(one.operations.sesMails);
    expect(Math.abs(two.cost.monthlyUsd - one.cost.monthlyUsd)).toBeLessThan(one.cost.monthlyUsd / 100);
  });

  it('ingests every generated event and sends mail through the journeys', async () => {
    // Act
    const report = buildReport(first, await loadPriceTable());

    // Assess
    expect(first.events.rejected).toBe(0);
    expect(first.events.accepted).toBe(report.groundTruth.storefrontEvents);
    expect(report.deliverability.sent).toBeGreaterThan(0);
    expect(report.journeys.reduce((sum, row) => sum + row.entered, 0)).toBeGreaterThan(0);
    expect(report.operations.dynamodb.writeRequestUnits).toBeGreaterThan(0);
    expect(report.cost.monthlyUsd).toBeGreaterThan(0);
  });

  it('logs no customer email address or name', () => {
    // Prepare
    const shoppers = Array.from({ length: OPTIONS.customers }, (_, index) =>
      first.shoppers.shopper(`sim-${String(index + 1).padStart(6, '0')}`),
    );

    // Act
    const findings = findPersonalData(logLines, {
      emails: shoppers.flatMap((shopper) => shopper?.email ?? []),
      names: shoppers.flatMap((shopper) => shopper?.firstName ?? []),
    });

    // Assess
    expect(shoppers.every((shopper) => shopper !== undefined)).toBe(true);
    expect(logLines.length).toBeGreaterThan(100);
    expect(findings).toEqual([]);
  });
});
