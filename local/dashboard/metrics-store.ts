/**
 * The local stand-in for CloudWatch metrics: the functions' EMF log lines (what Powertools writes) are
 * read as CloudWatch would read them and kept in memory as per-minute buckets, one time series per
 * (namespace, metric name, dimension names and values). Timestamps are the EMF `Timestamp`, i.e. the
 * runtime's virtual clock, so a sped-up week of journeys charts as a week.
 */
import { assertUnreachable } from '#shared/errors.ts';

export type Statistic = 'Sum' | 'Average' | 'Maximum';

const MINUTE_MS = 60_000;

/** One metric value (or several, as Powertools writes repeated values) at one time. */
export interface MetricPoint {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  timestamp: number;
  values: number[];
}

export interface MetricQuery {
  name: string;
  /** Matches series whose dimensions include these; see `MetricsStore.matching`. @default - none */
  dimensions?: Record<string, string>;
  /** @default - any namespace */
  namespace?: string;
}

interface Bucket {
  sum: number;
  count: number;
  max: number;
}

interface Series {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  /** Sorted dimension names joined by commas: series with the same one count each datapoint once. */
  dimensionSet: string;
  /** By minute (epoch ms of the minute's start). */
  buckets: Map<number, Bucket>;
}

/**
 * The metric points one log line carries: none for anything that is not an EMF document. Each
 * metric is recorded once per dimension set of its directive, as CloudWatch does.
 */
export function parseEmfLine(line: string): MetricPoint[] {
  if (!line.includes('"_aws"')) return [];
  let document: unknown;
  try {
    document = JSON.parse(line);
  } catch {
    return [];
  }
  if (!isRecord(document) || !isRecord(document._aws)) return [];
  const { Timestamp: timestamp, CloudWatchMetrics: directives } = document._aws;
  if (typeof timestamp !== 'number' || !Array.isArray(directives)) return [];
  const points: MetricPoint[] = [];
  for (const directive of directives) {
    if (!isRecord(directive) || !Array.isArray(directive.Metrics)) continue;
    const namespace = typeof directive.Namespace === 'string' ? directive.Namespace : '';
    const dimensionSets = Array.isArray(directive.Dimensions) ? directive.Dimensions : [[]];
    for (const definition of directive.Metrics) {
      if (!isRecord(definition) || typeof definition.Name !== 'string') continue;
      const values = numbersOf(document[definition.Name]);
      if (values.length === 0) continue;
      for (const names of dimensionSets) {
        const dimensions = dimensionsOf(document, names);
        if (dimensions === undefined) continue;
        points.push({ namespace, name: definition.Name, dimensions, timestamp, values });
      }
    }
  }
  return points;
}

/** Every metric the local functions emitted, aggregated by minute. */
export class MetricsStore {
  readonly #series = new Map<string, Series>();
  #earliest: number | undefined;

  /** Give this to the runtime's `onLogLine`; lines that are not EMF are ignored. */
  readonly onLogLine = (_functionName: string, line: string): void => {
    for (const point of parseEmfLine(line)) this.record(point);
  };

  record(point: MetricPoint): void {
    const dimensionSet = Object.keys(point.dimensions).sort().join(',');
    const key = JSON.stringify([
      point.namespace,
      point.name,
      dimensionSet,
      dimensionSet.split(',').map((name) => point.dimensions[name] ?? ''),
    ]);
    let series = this.#series.get(key);
    if (series === undefined) {
      series = { ...point, dimensionSet, buckets: new Map() };
      this.#series.set(key, series);
    }
    const minute = Math.floor(point.timestamp / MINUTE_MS) * MINUTE_MS;
    const bucket = series.buckets.get(minute) ?? { sum: 0, count: 0, max: Number.NEGATIVE_INFINITY };
    for (const value of point.values) {
      bucket.sum += value;
      bucket.count += 1;
      bucket.max = Math.max(bucket.max, value);
    }
    series.buckets.set(minute, bucket);
    this.#earliest = Math.min(this.#earliest ?? minute, minute);
  }

  /** Start of the earliest minute anything was recorded in. */
  get earliest(): number | undefined {
    return this.#earliest;
  }

  /** Metric names with the dimension values seen for them, for a look at what is there. */
  names(): Array<{ name: string; dimensions: Record<string, string> }> {
    return [...this.#series.values()].map(({ name, dimensions }) => ({ name, dimensions }));
  }

  /**
   * The statistic over `[fromMs, toMs)` (whole minutes), or undefined when no datapoint falls in it.
   * Query dimensions are matched as described at `matching`.
   */
  aggregate(query: MetricQuery, statistic: Statistic, fromMs: number, toMs: number): number | undefined {
    const total = { sum: 0, count: 0, max: Number.NEGATIVE_INFINITY };
    for (const series of this.matching(query)) {
      for (const [minute, bucket] of series.buckets) {
        if (minute < fromMs || minute >= toMs) continue;
        total.sum += bucket.sum;
        total.count += bucket.count;
        total.max = Math.max(total.max, bucket.max);
      }
    }
    return statisticOf(total, statistic);
  }

  /** The statistic per period from `fromMs` (one value per period, undefined where nothing was recorded). */
  series(
    query: MetricQuery,
    statistic: Statistic,
    range: { fromMs: number; toMs: number; periodMs: number },
  ): Array<number | undefined> {
    const count = Math.max(0, Math.ceil((range.toMs - range.fromMs) / range.periodMs));
    const totals = Array.from({ length: count }, () => ({ sum: 0, count: 0, max: Number.NEGATIVE_INFINITY }));
    for (const series of this.matching(query)) {
      for (const [minute, bucket] of series.buckets) {
        const total = totals[Math.floor((minute - range.fromMs) / range.periodMs)];
        if (minute < range.fromMs || total === undefined) continue;
        total.sum += bucket.sum;
        total.count += bucket.count;
        total.max = Math.max(total.max, bucket.max);
      }
    }
    return totals.map((total) => statisticOf(total, statistic));
  }

  /**
   * The series a query means. CloudWatch needs a query's dimensions to be exactly a series'
   * dimensions; locally a query also matches series with more dimensions (so `{journey: 'welcome'}`
   * finds the `service, journey, step` series and adds up their steps). Of the dimension sets that
   * qualify only the smallest is used, because Powertools records a value once per dimension set and
   * reading two sets would count it twice.
   */
  matching(query: MetricQuery): Series[] {
    const wanted = Object.entries(query.dimensions ?? {});
    const candidates = [...this.#series.values()].filter(
      (series) =>
        series.name === query.name &&
        (query.namespace === undefined || series.namespace === query.namespace) &&
        wanted.every(([name]) => name in series.dimensions),
    );
    const smallest = candidates
      .map((series) => series.dimensionSet)
      .sort((a, b) => a.split(',').length - b.split(',').length || a.localeCompare(b))[0];
    return candidates.filter(
      (series) =>
        series.dimensionSet === smallest &&
        wanted.every(([name, value]) => series.dimensions[name] === value),
    );
  }
}

function statisticOf(total: Bucket, statistic: Statistic): number | undefined {
  if (total.count === 0) return undefined;
  switch (statistic) {
    case 'Sum':
      return total.sum;
    case 'Average':
      return total.sum / total.count;
    case 'Maximum':
      return total.max;
    default:
      return assertUnreachable(statistic);
  }
}

function numbersOf(value: unknown): number[] {
  const values = Array.isArray(value) ? value : [value];
  return values.filter((item): item is number => typeof item === 'number' && Number.isFinite(item));
}

function dimensionsOf(document: Record<string, unknown>, names: unknown): Record<string, string> | undefined {
  if (!Array.isArray(names)) return undefined;
  const dimensions: Record<string, string> = {};
  for (const name of names) {
    const value = typeof name === 'string' ? document[name] : undefined;
    // CloudWatch drops a metric whose dimension has no value; so do we.
    if (typeof value !== 'string') return undefined;
    dimensions[name] = value;
  }
  return dimensions;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
