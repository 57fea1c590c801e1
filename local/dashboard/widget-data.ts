/**
 * What the dashboard page draws: for every widget, each metric's value over the whole run (numbers,
 * bars) and per period (lines), read from the app metrics and the resource counters, with
 * expressions computed on both.
 */
import type { Widget, WidgetMetric, WidgetRow } from '#infra/dashboard/widget-model.ts';
import { compileExpression, type ExpressionValue, type MetricExpression } from './metric-expression.ts';
import type { MetricsStore } from './metrics-store.ts';
import type { ResourceMetricsSource } from './resource-metrics.ts';

const MINUTE_MS = 60_000;
/** Candidate chart periods, smallest first; the first that fits the run in `MAX_POINTS` is used. */
const PERIODS_MS = [1, 5, 15, 60, 180, 360, 720, 1440, 10_080].map((minutes) => minutes * MINUTE_MS);
const MAX_POINTS = 48;

export interface MetricData {
  label: string;
  /** Over the whole run; null when there is no datapoint (yet). */
  value: number | null;
  /** One per period of `DashboardData.times`. */
  points: Array<number | null>;
  /** From the metric's `currency` dimension, for money. */
  currency?: string;
}

export interface WidgetData {
  metrics: MetricData[];
  /** Why the widget cannot be computed (e.g. an expression the local runtime does not understand). */
  error?: string;
}

export interface DashboardData {
  /** Virtual time the data was read at. */
  now: number;
  from: number;
  periodMs: number;
  /** Start of each period the points are for. */
  times: number[];
  widgets: Record<string, WidgetData>;
}

export interface DashboardSources {
  metrics: MetricsStore;
  resources: ResourceMetricsSource;
}

export function dashboardData(
  rows: readonly WidgetRow[],
  sources: DashboardSources,
  range: { from: number; now: number },
): DashboardData {
  const span = Math.max(range.now - range.from, MINUTE_MS);
  const periodMs = PERIODS_MS.find((period) => span / period <= MAX_POINTS) ?? (PERIODS_MS.at(-1) as number);
  const from = Math.floor(range.from / periodMs) * periodMs;
  const times: number[] = [];
  for (let at = from; at <= range.now; at += periodMs) times.push(at);
  const window = { from, now: range.now, periodMs, times };
  const widgets: Record<string, WidgetData> = {};
  for (const row of rows) {
    for (const widget of row.widgets) widgets[widget.id] = widgetData(widget, sources, window);
  }
  return { now: range.now, from, periodMs, times, widgets };
}

interface Window {
  from: number;
  now: number;
  periodMs: number;
  times: number[];
}

function widgetData(widget: Widget, sources: DashboardSources, window: Window): WidgetData {
  const metrics: MetricData[] = [];
  const expressions: Array<{ index: number; expression: MetricExpression }> = [];
  let error: string | undefined;
  widget.metrics.forEach((metric, index) => {
    if (metric.source !== 'expression') {
      metrics.push(measured(metric, sources, window));
      return;
    }
    metrics.push({ label: metric.label, value: null, points: window.times.map(() => null) });
    try {
      expressions.push({ index, expression: compileExpression(metric.expression) });
    } catch (cause) {
      error = (cause as Error).message;
    }
  });
  // Expressions may read each other, in order, as CloudWatch's do.
  for (const { index, expression } of expressions) {
    const target = metrics[index] as MetricData;
    const valuesAt = (pick: (data: MetricData) => number | null) =>
      Object.fromEntries(
        metrics.map((data, id): [string, ExpressionValue] => [`m${id}`, pick(data) ?? undefined]),
      );
    target.value = expression.evaluate(valuesAt((data) => data.value)) ?? null;
    target.points = window.times.map(
      (_, period) => expression.evaluate(valuesAt((data) => data.points[period] ?? null)) ?? null,
    );
  }
  // Inputs of expressions are not drawn: their values stay (a total, a currency), their points need not travel.
  const drawn = metrics.map((data, index) => {
    const metric = widget.metrics[index];
    return metric?.source !== 'expression' && metric?.hidden === true ? { ...data, points: [] } : data;
  });
  return { metrics: drawn, ...(error !== undefined && { error }) };
}

function measured(
  metric: Exclude<WidgetMetric, { source: 'expression' }>,
  sources: DashboardSources,
  window: Window,
): MetricData {
  const end = window.now + MINUTE_MS;
  if (metric.source === 'app') {
    const query = { name: metric.name, ...(metric.dimensions && { dimensions: metric.dimensions }) };
    const currency = metric.dimensions?.currency;
    return {
      label: metric.label,
      value: sources.metrics.aggregate(query, metric.statistic, window.from, end) ?? null,
      points: sources.metrics
        .series(query, metric.statistic, { fromMs: window.from, toMs: end, periodMs: window.periodMs })
        .slice(0, window.times.length)
        .map((value) => value ?? null),
      ...(currency !== undefined && { currency }),
    };
  }
  const read = (since: number, until: number) =>
    sources.resources.value(metric.role, metric.resource, metric.metric, since, until) ?? null;
  return {
    label: metric.label,
    value: read(window.from, window.now),
    points: window.times.map((start) =>
      start > window.now ? null : read(start, Math.min(start + window.periodMs, window.now)),
    ),
  };
}
