/** What every bench section gets and gives back, so `bench/run.ts` can run any of them alone. */

export const SECTION_NAMES = ['profile-rules', 'ingest', 'cold-start', 'journey-cost', 'simulation'] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

export interface BenchOptions {
  /** Events sent through the local runtime by the ingest section. */
  events: number;
  /** Fresh Node processes per bundle in the cold-start section (the median is reported). */
  runs: number;
  /** Customers and days the simulation section simulates. */
  simulationCustomers: number;
  simulationDays: number;
}

/** One line of the printed table; `alongside` is what the value is measured next to, `ratio` the tracked figure. */
export interface FigureRow {
  figure: string;
  value: string;
  alongside?: string;
  ratio?: string;
}

export interface SectionResult {
  /** Everything measured, for bench/results/*.json. */
  figures: unknown;
  rows: FigureRow[];
}

export interface BenchSection {
  name: SectionName;
  /** The section's heading in the table. */
  title: string;
  run(options: BenchOptions): Promise<SectionResult>;
}
