import { type MetricPoint, parseEmfLine } from '../dashboard/metrics-store.ts';

/** A metric's total per journey (and per holdout group where the metric has one). */
export interface JourneyTotals {
  /** By journey, then by group ('' when the metric has none). */
  readonly byJourney: Map<string, Map<string, number>>;
  total: number;
}

/**
 * What a simulation reads off the functions' logs, as CloudWatch would: metric totals from the EMF
 * lines (money summed in cents, so the order of arrival cannot change a total), the custom metrics
 * (distinct namespace, name and dimensions, and the hours each was emitted in) and the bytes
 * CloudWatch Logs would ingest.
 */
export class LogFigures {
  readonly #totals = new Map<string, JourneyTotals>();
  /** Metric name → journey → `<step>: <reason>` → total, for metrics with a reason. */
  readonly #reasons = new Map<string, Map<string, Map<string, number>>>();
  /** Per metric series, the hours (epoch hour numbers) in which it was emitted. */
  readonly #series = new Map<string, Set<number>>();
  logBytes = 0;
  lines = 0;

  readonly onLogLine = (_functionName: string, line: string): void => {
    this.lines += 1;
    // CloudWatch Logs bills the event's UTF-8 bytes plus 26 bytes of overhead per event.
    this.logBytes += Buffer.byteLength(line) + 26;
    const points = parseEmfLine(line);
    for (const point of points) {
      const key = seriesKey(point);
      const hours = this.#series.get(key) ?? new Set<number>();
      hours.add(Math.floor(point.timestamp / HOUR_MS));
      this.#series.set(key, hours);
    }
    for (const point of widestPerMetric(points)) this.#record(point);
  };

  /** Total of a metric, optionally for one journey and group; `…Revenue` metrics in cents. */
  total(name: string, journey?: string, group?: string): number {
    const totals = this.#totals.get(name);
    if (totals === undefined) return 0;
    if (journey === undefined) return totals.total;
    const groups = totals.byJourney.get(journey);
    if (groups === undefined) return 0;
    if (group !== undefined) return groups.get(group) ?? 0;
    let sum = 0;
    for (const value of groups.values()) sum += value;
    return sum;
  }

  /** A metric's totals for one journey by `<step>: <reason>`. */
  byReason(name: string, journey: string): Record<string, number> {
    return Object.fromEntries(
      [...(this.#reasons.get(name)?.get(journey) ?? new Map<string, number>())].sort(),
    );
  }

  journeys(): string[] {
    const names = new Set<string>();
    for (const totals of this.#totals.values())
      for (const journey of totals.byJourney.keys()) names.add(journey);
    return [...names].sort();
  }

  /** Distinct metric series (namespace, name, dimension values) emitted. */
  get metricSeries(): number {
    return this.#series.size;
  }

  /**
   * Custom metrics as CloudWatch bills them: each series per month, prorated by the hours it was
   * emitted in, with the hours of a shorter period scaled to a 30-day month.
   */
  metricMonths(days: number): number {
    return Object.values(this.metricMonthsByName(days)).reduce((sum, months) => sum + months, 0);
  }

  /** The same metric-months by metric name, to see which metrics the bill's custom-metrics line is made of. */
  metricMonthsByName(days: number): Record<string, number> {
    const monthHours = 30 * 24;
    const byName: Record<string, number> = {};
    for (const [key, hours] of this.#series) {
      const name = (JSON.parse(key) as [string, string])[1];
      byName[name] = (byName[name] ?? 0) + Math.min(monthHours, (hours.size * 30) / days) / monthHours;
    }
    return byName;
  }

  #record(point: MetricPoint): void {
    const isMoney = point.name.endsWith('Revenue');
    const value = point.values.reduce((sum, item) => sum + (isMoney ? Math.round(item * 100) : item), 0);
    let totals = this.#totals.get(point.name);
    if (totals === undefined) {
      totals = { byJourney: new Map(), total: 0 };
      this.#totals.set(point.name, totals);
    }
    totals.total += value;
    const journey = point.dimensions.journey;
    if (journey === undefined) return;
    const groups = totals.byJourney.get(journey) ?? new Map<string, number>();
    const group = point.dimensions.group ?? '';
    groups.set(group, (groups.get(group) ?? 0) + value);
    totals.byJourney.set(journey, groups);
    const { reason, step } = point.dimensions;
    if (reason === undefined) return;
    const byJourney = this.#reasons.get(point.name) ?? new Map<string, Map<string, number>>();
    const byReason = byJourney.get(journey) ?? new Map<string, number>();
    const key = `${step ?? ''}: ${reason}`;
    byReason.set(key, (byReason.get(key) ?? 0) + value);
    byJourney.set(journey, byReason);
    this.#reasons.set(point.name, byJourney);
  }
}

/**
 * Powertools writes a metric once per dimension set of its directive (e.g. with and without the
 * service); counting each would count it twice, so only the most specific one is kept.
 */
function widestPerMetric(points: MetricPoint[]): MetricPoint[] {
  const widest = new Map<string, MetricPoint>();
  for (const point of points) {
    const current = widest.get(point.name);
    if (
      current === undefined ||
      Object.keys(point.dimensions).length > Object.keys(current.dimensions).length
    ) {
      widest.set(point.name, point);
    }
  }
  return [...widest.values()];
}

const HOUR_MS = 60 * 60 * 1000;

function seriesKey(point: MetricPoint): string {
  const names = Object.keys(point.dimensions).sort();
  return JSON.stringify([point.namespace, point.name, names.map((name) => [name, point.dimensions[name]])]);
}
