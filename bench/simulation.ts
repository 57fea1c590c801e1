import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SimulationReport } from '#local/simulate/report.ts';
import type { BenchSection } from './section.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));

/**
 * Simulation speed: wall time and peak memory of `journeys simulate` in a fresh Node process (so
 * the memory is the simulation's own), next to the simulated volume that took it.
 */
export const simulationSection: BenchSection = {
  name: 'simulation',
  title: 'Simulation speed',
  async run(options) {
    const { simulationCustomers: customers, simulationDays: days } = options;
    const started = performance.now();
    const report = await simulate(customers, days);
    const seconds = (performance.now() - started) / 1000;
    const events = report.groundTruth.storefrontEvents;
    return {
      figures: {
        customers,
        days,
        wallSeconds: seconds,
        peakRssMb: report.wallClock.peakRssMb,
        storefrontEvents: events,
        mails: report.deliverability.sent,
        stateTransitions: report.operations.stepFunctionsTransitions,
        lambdaInvocations: report.operations.lambda.invocations,
      },
      rows: [
        {
          figure: `simulate ${customers.toLocaleString('en-US')} customers × ${days} days`,
          value: `${(seconds / 60).toFixed(1)} min, peak ${report.wallClock.peakRssMb.toLocaleString('en-US')} MB`,
          alongside: `${events.toLocaleString('en-US')} storefront events, ${report.operations.lambda.invocations.toLocaleString('en-US')} invocations`,
          ratio: `${(events / seconds).toFixed(1)} events/s`,
        },
      ],
    };
  },
};

function simulate(customers: number, days: number): Promise<SimulationReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'local/cli/main.ts',
        'simulate',
        '--customers',
        String(customers),
        '--days',
        String(days),
        '--seed',
        '7',
        '--json',
      ],
      { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`simulate exited with ${code}`));
      else resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as SimulationReport);
    });
  });
}
