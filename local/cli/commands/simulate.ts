import { buildReport } from '../../simulate/build-report.ts';
import { loadPriceTable } from '../../simulate/price-table.ts';
import { createProgressWriter } from '../../simulate/progress-bar.ts';
import { renderReport } from '../../simulate/report.ts';
import { runSimulation } from '../../simulate/run-simulation.ts';

export interface SimulateCommandOptions {
  customers: number;
  days: number;
  seed: number;
  start?: string;
  prices?: string;
  json: boolean;
}

/**
 * `journeys simulate`: a synthetic store's shoppers through the local stack in fast virtual time,
 * then what the journeys sent and earned and what the volume would cost on AWS each month.
 */
export async function runSimulate(options: SimulateCommandOptions): Promise<void> {
  for (const [name, value, max] of [
    ['--customers', options.customers, 999_999],
    ['--days', options.days, 366],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > max) {
      throw new RangeError(`${name} must be a whole number from 1 to ${max}, got ${value}`);
    }
  }
  if (!Number.isInteger(options.seed))
    throw new RangeError(`--seed must be a whole number, got ${options.seed}`);
  // Read first: a broken price table should fail before minutes of simulation, not after.
  const prices = await loadPriceTable(options.prices);
  const progress = createProgressWriter(process.stderr, {
    label: `${options.customers.toLocaleString('en-US')} customers x ${options.days} days`,
  });
  const run = await runSimulation({
    customers: options.customers,
    days: options.days,
    seed: options.seed,
    ...(options.start !== undefined && { start: options.start }),
    onProgress: (done) => progress.update(Math.round(done * 1000), 1000),
  });
  progress.finish();
  if (run.events.rejected > 0) {
    process.stderr.write(
      `simulate: the API refused ${run.events.rejected} generated events (${run.events.firstRejection})\n`,
    );
    process.exitCode = 1;
  }
  const report = buildReport(run, prices);
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
}
