/** The figures every run prints, in this order. */
export interface RunFigures {
  /** Deliveries sent (events, or requests for the bad-input run). */
  eventsIn: number;
  /** Distinct events found applied in the profiles (bad input: events that reached the bus). */
  eventsStored: number;
  /** Events applied or counted more than once. */
  duplicates: number;
  /** Accepted events missing from the profiles. */
  lost: number;
  status4xx: number;
  status5xx: number;
}

export interface RunReport {
  run: string;
  figures: RunFigures;
  /** Run-specific figures, printed under the common ones. */
  details: Record<string, string | number>;
  /** Broken invariants besides loss, double counting and 5xx (a profile that differs, a write by bad input…). */
  problems: string[];
  seconds: number;
}

/** What makes a run fail: anything lost, anything counted twice, any 5xx, any other broken invariant. */
export function failuresOf(report: RunReport): string[] {
  const { figures } = report;
  return [
    ...(figures.lost > 0 ? [`${figures.lost} accepted events lost`] : []),
    ...(figures.duplicates > 0 ? [`${figures.duplicates} events counted twice`] : []),
    ...(figures.status5xx > 0 ? [`${figures.status5xx} answers were 5xx`] : []),
    ...report.problems,
  ];
}

/** Problem lists are cut to this many lines; the count says how many there were. */
const SHOWN_PROBLEMS = 15;

export function formatReport(report: RunReport): string {
  const rows: Array<[string, string | number]> = [
    ['events in', report.figures.eventsIn],
    ['events stored', report.figures.eventsStored],
    ['duplicates', report.figures.duplicates],
    ['lost', report.figures.lost],
    ['4xx', report.figures.status4xx],
    ['5xx', report.figures.status5xx],
    ...Object.entries(report.details),
    ['seconds', report.seconds.toFixed(1)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const failures = failuresOf(report);
  return [
    `reliability run: ${report.run}`,
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
    failures.length === 0 ? 'PASS' : `FAIL (${failures.length})`,
    ...failures.slice(0, SHOWN_PROBLEMS).map((failure) => `  - ${failure}`),
    ...(failures.length > SHOWN_PROBLEMS ? [`  … and ${failures.length - SHOWN_PROBLEMS} more`] : []),
  ].join('\n');
}

/** Prints the report and fails the process (without cutting its output short) when the run failed. */
export function printReport(report: RunReport): void {
  console.log(formatReport(report));
  if (failuresOf(report).length > 0) process.exitCode = 1;
}

export function secondsSince(startedMs: number): number {
  return (performance.now() - startedMs) / 1000;
}
