/**
 * `npm run bench [-- --only <section>] [--events N] [--runs N] [--customers N --days N]`: measures, each figure side by side
 * with what it is compared to in the same run, prints one table and writes JSON to bench/results/.
 * Speed lives here, never in the test suite. What each figure means: docs/PERFORMANCE.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { coldStartSection } from './cold-start.ts';
import { formatTable, type TableSection } from './format.ts';
import { ingestSection } from './ingest.ts';
import { journeyCostSection } from './journey-cost.ts';
import { profileRulesSection } from './profile-rules.ts';
import { type BenchOptions, type BenchSection, SECTION_NAMES, type SectionName } from './section.ts';
import { simulationSection } from './simulation.ts';

/**
 * In the order they run. The runtime of `ingest` is closed before `cold-start` spawns its processes, so
 * the two do not compete for the two cores.
 *
 * The simulation runs last, in a fresh process, so its peak memory is its own.
 */
const SECTIONS: readonly BenchSection[] = [
  profileRulesSection,
  ingestSection,
  coldStartSection,
  journeyCostSection,
  simulationSection,
];

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '7' },
    customers: { type: 'string', default: '10000' },
    days: { type: 'string', default: '30' },
    only: { type: 'string', multiple: true },
  },
});
const options: BenchOptions = {
  events: positiveInteger('--events', values.events),
  runs: positiveInteger('--runs', values.runs),
  simulationCustomers: positiveInteger('--customers', values.customers),
  simulationDays: positiveInteger('--days', values.days),
};
const only = values.only ?? [];
for (const name of only) {
  if (!(SECTION_NAMES as readonly string[]).includes(name)) {
    throw new Error(`--only ${name}: no such section; the sections are ${SECTION_NAMES.join(', ')}`);
  }
}
const selected = SECTIONS.filter((section) => only.length === 0 || only.includes(section.name));

console.log(
  `Measuring ${selected.map((section) => section.name).join(', ')} on ${availableParallelism()} cores ` +
    `(ingest: ${options.events} events; cold start: ${options.runs} fresh processes per bundle)…`,
);
const measuredAt = new Date().toISOString();
// The machine is shared: the load around the run says how far to trust its timings.
const loadAverage = () => loadavg().map((load) => Number(load.toFixed(2)));
const loadAtStart = loadAverage();
const figures: Partial<Record<SectionName, unknown>> = {};
const table: TableSection[] = [];
for (const section of selected) {
  const started = performance.now();
  const result = await section.run(options);
  console.log(`  ${section.name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  figures[section.name] = result.figures;
  table.push({ title: section.title, rows: result.rows });
}

console.log(`\n${formatTable(table)}\n`);
const loadAtEnd = loadAverage();
console.log(
  `load average (1, 5, 15 min): ${loadAtStart.join(', ')} at start, ${loadAtEnd.join(', ')} at end`,
);
const results = {
  measuredAt,
  machine: {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
    loadAverage: { atStart: loadAtStart, atEnd: loadAtEnd },
  },
  options: { ...options, only },
  sections: figures,
};
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const file = new URL(`./results/bench-${measuredAt.replace(/[:.]/g, '-')}.json`, import.meta.url);
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(`written to ${file.pathname}`);

function positiveInteger(flag: string, value: string | undefined): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new Error(`${flag} must be a positive whole number`);
  return parsed;
}
