/**
 * `npm run reliability:<run> [-- --events N --seed S]`: one reliability run against the real local
 * runtime on loopback; prints its figures and exits 1 if anything was lost, counted twice or
 * answered with a 5xx (or another of the run's invariants broke).
 */
import { parseArgs } from 'node:util';
import { assertUnreachable } from '#shared/errors.ts';
import { printReport, type RunReport } from './report.ts';
import { BAD_INPUT_DEFAULTS, runBadInput } from './runs/bad-input.ts';
import { DUPLICATES_DEFAULTS, runDuplicates } from './runs/duplicates.ts';
import { LOAD_DEFAULTS, runLoad } from './runs/load.ts';
import { OUTAGE_DEFAULTS, runOutage } from './runs/outage.ts';
import { PRIVACY_DEFAULTS, runPrivacy } from './runs/privacy.ts';
import { REORDER_DEFAULTS, runReorder } from './runs/reorder.ts';

const RUNS = ['load', 'duplicates', 'reorder', 'outage', 'bad-input', 'privacy'] as const;
type RunName = (typeof RUNS)[number];

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { events: { type: 'string' }, seed: { type: 'string' } },
});
const [run] = positionals;
if (!RUNS.includes(run as RunName)) {
  console.error(`usage: cli.ts <${RUNS.join('|')}> [--events N] [--seed S]`);
  process.exit(2);
}
const number = (text: string | undefined, fallback: number): number => {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) {
    console.error(`expected a positive whole number, got ${text}`);
    process.exit(2);
  }
  return value;
};
const onProgress = (message: string) => console.error(`${new Date().toISOString()} ${message}`);

async function start(name: RunName): Promise<RunReport> {
  switch (name) {
    case 'load':
      return runLoad({
        events: number(values.events, LOAD_DEFAULTS.events),
        seed: number(values.seed, LOAD_DEFAULTS.seed),
        onProgress,
      });
    case 'duplicates':
      return runDuplicates({
        events: number(values.events, DUPLICATES_DEFAULTS.events),
        seed: number(values.seed, DUPLICATES_DEFAULTS.seed),
      });
    case 'reorder':
      return runReorder({
        events: number(values.events, REORDER_DEFAULTS.events),
        seed: number(values.seed, REORDER_DEFAULTS.seed),
      });
    case 'outage':
      return runOutage({
        events: number(values.events, OUTAGE_DEFAULTS.events),
        seed: number(values.seed, OUTAGE_DEFAULTS.seed),
        onProgress,
      });
    case 'bad-input':
      return runBadInput({
        requests: number(values.events, BAD_INPUT_DEFAULTS.requests),
        seed: number(values.seed, BAD_INPUT_DEFAULTS.seed),
      });
    case 'privacy':
      // --events is the number of customers here: a whole simulation's logs are searched.
      return runPrivacy({
        ...PRIVACY_DEFAULTS,
        customers: number(values.events, PRIVACY_DEFAULTS.customers),
        seed: number(values.seed, PRIVACY_DEFAULTS.seed),
      });
    default:
      return assertUnreachable(name);
  }
}

printReport(await start(run as RunName));
