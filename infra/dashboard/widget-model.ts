/**
 * The marketer's dashboard, as data: defined once, rendered by CDK into a CloudWatch dashboard and by
 * the local runtime into a web page. Widgets name metrics by our fixed metric names and dimensions
 * (journey, step, variant, group) or by an AWS resource *role* that each renderer resolves to its own
 * resource (a CDK construct in the cloud, a local function or queue locally).
 */

/** Our own metrics (namespace StorefrontJourneys), emitted as EMF by the handlers. */
export interface AppMetric {
  source: 'app';
  name: string;
  /** Fixed, small dimensions only: journey, step, variant, group, currency. Never customer or message ids. */
  dimensions?: Record<string, string>;
  statistic: 'Sum' | 'Average' | 'Maximum';
  label: string;
  /** Only an input of an expression in the same widget: fetched, not drawn. */
  hidden?: boolean;
}

/** A metric of an AWS resource the dashboard refers to by role, e.g. the journey-step function's errors. */
export interface ResourceMetric {
  source: 'resource';
  role: 'ingest-api' | 'function' | 'dead-letter-queue' | 'state-machine' | 'ses-reputation';
  /** Which one, for roles with several: a function's entry file, a queue's or state machine's construct id, a journey id. */
  resource?: string;
  metric: string;
  statistic: 'Sum' | 'Average' | 'Maximum';
  label: string;
  /** Only an input of an expression in the same widget: fetched, not drawn. */
  hidden?: boolean;
}

/** A metric computed from others (ids `m0`, `m1`… in order), e.g. a rate. */
export interface ExpressionMetric {
  source: 'expression';
  expression: string;
  label: string;
}

export type WidgetMetric = AppMetric | ResourceMetric | ExpressionMetric;

export interface Widget {
  id: string;
  title: string;
  kind: 'line' | 'bar' | 'number';
  metrics: WidgetMetric[];
  /** Horizontal lines, e.g. SES's review thresholds. */
  thresholds?: Array<{ value: number; label: string }>;
  unit?: 'count' | 'percent' | 'money';
}

export interface WidgetRow {
  id: string;
  title: string;
  widgets: Widget[];
}
