/**
 * The marketer's dashboard as data: a row per journey (funnel, revenue, holdout lift, step outcomes), then
 * deliverability, then pipeline health. Both renderers (CDK, the local page) draw exactly these widgets.
 *
 * Every app metric names its full dimension set: with EMF, CloudWatch keeps a metric per exact set of
 * dimensions, so a metric asked for with fewer dimensions than it was emitted with has no data at all. Totals
 * across steps, variants and reasons are therefore expressions over explicit metrics rather than SEARCH, which
 * the local page can evaluate the same way; the reasons are small fixed sets the journeys declare, so every
 * value a metric can carry is named. Expressions only use `SUM([m0, m1])`, `+ - * /`, numbers and
 * parentheses, reference only non-expression metrics, and come after every other metric of their widget, so
 * `mN` is both the N-th metric of the widget and the N-th non-expression metric.
 */

import { DEFER_REASONS } from '#messaging/domain/send-decision.ts';
import { assertUnreachable } from '#shared/errors.ts';
import {
  exitReasonsOf,
  journeyOf,
  type SendingStep,
  STEP_SKIP_REASONS,
  sendingStepsOf,
  stepIdsOf,
} from '../journeys/catalog.ts';
import type {
  AppMetric,
  ExpressionMetric,
  ResourceMetric,
  Widget,
  WidgetMetric,
  WidgetRow,
} from './widget-model.ts';

export const DIMENSION_NAMES = ['journey', 'step', 'variant', 'group', 'currency', 'reason'] as const;
export type DimensionName = (typeof DIMENSION_NAMES)[number];

/** Values of the `group` dimension: entrants who get the mails, and the holdout kept out of them. */
export const HOLDOUT_GROUPS = ['treated', 'heldout'] as const;

/** The step every journey starts with; `journeyEntered` is counted there. */
export const ENTER_STEP = 'enter';

/**
 * Every metric the dashboard reads from our namespace, with the Powertools service that emits it (its
 * `service` dimension, added by the renderer) and its exact dimension set.
 */
export const APP_METRICS = {
  eventIngested: { service: 'ingest', dimensions: [] },
  eventRejected: { service: 'ingest', dimensions: [] },
  profileUpdated: { service: 'profiles', dimensions: [] },
  journeyEntered: { service: 'journeys', dimensions: ['journey', 'step', 'group'] },
  journeyExited: { service: 'journeys', dimensions: ['journey', 'step', 'reason'] },
  emailSent: { service: 'journeys', dimensions: ['journey', 'step'] },
  emailDeferred: { service: 'journeys', dimensions: ['journey', 'step', 'reason'] },
  emailSkipped: { service: 'journeys', dimensions: ['journey', 'step', 'reason'] },
  journeyConverted: { service: 'engagement', dimensions: ['journey', 'group'] },
  conversionRevenue: { service: 'engagement', dimensions: ['journey', 'group', 'currency'] },
  emailDelivered: { service: 'engagement', dimensions: ['journey', 'step', 'variant'] },
  emailOpened: { service: 'engagement', dimensions: ['journey', 'step', 'variant'] },
  emailClicked: { service: 'engagement', dimensions: ['journey', 'step', 'variant'] },
  emailBounced: { service: 'engagement', dimensions: ['journey', 'step', 'variant'] },
  emailComplained: { service: 'engagement', dimensions: ['journey', 'step', 'variant'] },
  emailUnsubscribed: { service: 'messaging', dimensions: [] },
  attributedRevenue: { service: 'engagement', dimensions: ['journey', 'step', 'variant', 'currency'] },
  attributedOrders: { service: 'engagement', dimensions: ['journey', 'step', 'variant'] },
} as const satisfies Record<string, { service: string; dimensions: readonly DimensionName[] }>;
export type AppMetricName = keyof typeof APP_METRICS;

export function isAppMetricName(name: string): name is AppMetricName {
  return Object.hasOwn(APP_METRICS, name);
}

/** A journey's id, as its definition file names it. */
type JourneyId = string;

/** The app metrics counted per reason. */
export type ReasonMetricName = 'journeyExited' | 'emailSkipped' | 'emailDeferred';

/**
 * Values of the `reason` dimension a metric carries for a journey: every exit reason the journey can give,
 * every reason a step or the send path skips a mail for, the send path's reasons to defer one (waits for the
 * profile or a shipment are not counted as deferred mail).
 */
export function reasonsOf(name: ReasonMetricName, journey: JourneyId): readonly string[] {
  switch (name) {
    case 'journeyExited':
      return exitReasonsOf(journey);
    case 'emailSkipped':
      return STEP_SKIP_REASONS;
    case 'emailDeferred':
      return DEFER_REASONS;
    default:
      return assertUnreachable(name);
  }
}

/** SES puts an account under review at these rates (fractions, as SES publishes them). */
export const SES_REVIEW_BOUNCE_RATE = 0.05;
export const SES_REVIEW_COMPLAINT_RATE = 0.001;
/** Our alarms fire below SES's review lines, leaving time to act before SES does. */
export const ALARM_BOUNCE_RATE = 0.04;
export const ALARM_COMPLAINT_RATE = 0.0008;

/** SES reputation metrics (namespace `AWS/SES`, values 0–1): account-wide without dimensions. */
export const SES_NAMESPACE = 'AWS/SES';
export const SES_BOUNCE_RATE_METRIC = 'Reputation.BounceRate';
export const SES_COMPLAINT_RATE_METRIC = 'Reputation.ComplaintRate';
/** Dimension of a configuration set's own reputation metrics (published when reputation metrics are enabled on it). */
export const SES_CONFIGURATION_SET_DIMENSION = 'ses:configuration-set';
/** `resource` of an `ses-reputation` metric meaning the journeys' configuration set; without it, the account. */
export const SES_CONFIGURATION_SET_RESOURCE = 'configuration-set';

/** What the dashboard draws besides the journeys; the renderers resolve these names to their own resources. */
export interface DashboardOptions {
  /**
   * Entry files of the functions whose errors and throttles are drawn.
   * @default - none: no function widgets
   */
  readonly functions?: readonly string[];
  /**
   * Names of the dead-letter queues whose depth is drawn.
   * @default - none: no dead-letter queue widget
   */
  readonly deadLetterQueues?: readonly string[];
  /**
   * Currencies the stores sell in. Revenue is kept per currency and never added across currencies.
   * @default ['USD']
   */
  readonly currencies?: readonly string[];
}

export const DEFAULT_CURRENCIES: readonly string[] = ['USD'];

type DimensionsOf<Name extends AppMetricName> = {
  readonly [Dimension in (typeof APP_METRICS)[Name]['dimensions'][number]]: string;
};

/** The rows of the marketer's dashboard, journeys in the order given. */
export function dashboardRows(journeys: readonly string[], options: DashboardOptions = {}): WidgetRow[] {
  const ids = journeys.map(journeyIdOf);
  const currencies = options.currencies ?? DEFAULT_CURRENCIES;
  return [
    ...ids.map((journey) => journeyRow(journey, currencies)),
    deliverabilityRow(ids),
    pipelineRow(ids, options.functions ?? [], options.deadLetterQueues ?? []),
  ];
}

function journeyIdOf(journey: string): JourneyId {
  return journeyOf(journey).id;
}

/** The steps of a journey that send a mail, with their content variants. */
export function sendingSteps(journey: JourneyId): SendingStep[] {
  return sendingStepsOf(journey);
}

function app<Name extends AppMetricName>(
  name: Name,
  dimensions: DimensionsOf<Name>,
  label: string,
): AppMetric {
  const metric: AppMetric = { source: 'app', name, statistic: 'Sum', label };
  return Object.keys(dimensions).length === 0 ? metric : { ...metric, dimensions: { ...dimensions } };
}

function resource(
  role: ResourceMetric['role'],
  name: string | undefined,
  metric: string,
  statistic: ResourceMetric['statistic'],
  label: string,
): ResourceMetric {
  return name === undefined
    ? { source: 'resource', role, metric, statistic, label }
    : { source: 'resource', role, resource: name, metric, statistic, label };
}

/** A widget's metrics: drawn and hidden inputs first, then the expressions over them (see the file comment). */
class WidgetMetrics {
  private readonly metrics: Array<AppMetric | ResourceMetric> = [];
  private readonly expressions: ExpressionMetric[] = [];

  /** Adds a metric only an expression uses; answers its id. */
  input(metric: AppMetric | ResourceMetric): string {
    return this.add({ ...metric, hidden: true });
  }

  /** Adds a metric drawn as it is. */
  show(metric: AppMetric | ResourceMetric): string {
    return this.add(metric);
  }

  expression(expression: string, label: string): void {
    this.expressions.push({ source: 'expression', expression, label });
  }

  list(): WidgetMetric[] {
    return [...this.metrics, ...this.expressions];
  }

  private add(metric: AppMetric | ResourceMetric): string {
    this.metrics.push(metric);
    return `m${this.metrics.length - 1}`;
  }
}

const sum = (ids: readonly string[]) => `SUM([${ids.join(', ')}])`;

function journeyRow(journey: JourneyId, currencies: readonly string[]): WidgetRow {
  const steps = sendingSteps(journey);
  return {
    id: `journey-${journey}`,
    title: `Journey: ${journey}`,
    widgets: [
      funnelWidget(journey, steps),
      revenueWidget(journey, steps, currencies),
      conversionLiftWidget(journey),
      revenueLiftWidget(journey, currencies),
      stepOutcomesWidget(journey, steps),
      reasonsWidget(journey, steps),
    ],
  };
}

/** Inputs of one engagement metric for every (step, variant) of a journey. */
function perVariant(
  metrics: WidgetMetrics,
  name:
    | 'emailDelivered'
    | 'emailOpened'
    | 'emailClicked'
    | 'emailBounced'
    | 'emailComplained'
    | 'attributedOrders',
  journey: JourneyId,
  steps: readonly SendingStep[],
): string[] {
  return steps.flatMap(({ step, variants }) =>
    variants.map((variant) =>
      metrics.input(app(name, { journey, step, variant }, `${journey} ${step} ${variant}`)),
    ),
  );
}

/** Inputs of a by-reason metric for one step, one per reason the journey can give. */
function perReason(
  metrics: WidgetMetrics,
  name: ReasonMetricName,
  journey: JourneyId,
  step: string,
): string[] {
  return reasonsOf(name, journey).map((reason) =>
    metrics.input(app(name, { journey, step, reason }, `${journey} ${step} ${reason}`)),
  );
}

function perStep(
  metrics: WidgetMetrics,
  name: 'emailSent',
  journey: JourneyId,
  steps: readonly SendingStep[],
): string[] {
  return steps.map(({ step }) => metrics.input(app(name, { journey, step }, `${journey} ${step}`)));
}

function funnelWidget(journey: JourneyId, steps: readonly SendingStep[]): Widget {
  const metrics = new WidgetMetrics();
  const entered = metrics.input(
    app('journeyEntered', { journey, step: ENTER_STEP, group: 'treated' }, 'Entered (treated)'),
  );
  const sent = perStep(metrics, 'emailSent', journey, steps);
  const opened = perVariant(metrics, 'emailOpened', journey, steps);
  const clicked = perVariant(metrics, 'emailClicked', journey, steps);
  const converted = metrics.input(
    app('journeyConverted', { journey, group: 'treated' }, 'Converted (treated)'),
  );
  const attributed = perVariant(metrics, 'attributedOrders', journey, steps);
  // Every stage is a sum, so the bars keep funnel order (expressions come after the metrics they use).
  metrics.expression(sum([entered]), 'Entered');
  metrics.expression(sum(sent), 'Sent');
  metrics.expression(sum(opened), 'Opened');
  metrics.expression(sum(clicked), 'Clicked');
  metrics.expression(sum([converted]), 'Converted');
  metrics.expression(sum(attributed), 'Orders attributed to a mail');
  return {
    id: `${journey}-funnel`,
    title: `${journey}: funnel`,
    kind: 'bar',
    unit: 'count',
    metrics: metrics.list(),
  };
}

function revenueWidget(
  journey: JourneyId,
  steps: readonly SendingStep[],
  currencies: readonly string[],
): Widget {
  const metrics = new WidgetMetrics();
  for (const currency of currencies) {
    const revenue = steps.flatMap(({ step, variants }) =>
      variants.map((variant) =>
        metrics.input(
          app(
            'attributedRevenue',
            { journey, step, variant, currency },
            `${journey} ${step} ${variant} ${currency}`,
          ),
        ),
      ),
    );
    metrics.expression(sum(revenue), `Attributed revenue (${currency})`);
  }
  return {
    id: `${journey}-revenue`,
    title: `${journey}: attributed revenue`,
    kind: 'number',
    unit: 'money',
    metrics: metrics.list(),
  };
}

type HoldoutGroup = (typeof HOLDOUT_GROUPS)[number];

/** One input per holdout group, as `[treated, heldout]`. */
function perGroup(add: (group: HoldoutGroup) => string): [string, string] {
  return [add('treated'), add('heldout')];
}

function entrants(metrics: WidgetMetrics, journey: JourneyId): [string, string] {
  return perGroup((group) =>
    metrics.input(app('journeyEntered', { journey, step: ENTER_STEP, group }, `Entered (${group})`)),
  );
}

function conversionLiftWidget(journey: JourneyId): Widget {
  const metrics = new WidgetMetrics();
  const [enteredTreated, enteredHeldout] = entrants(metrics, journey);
  const [convertedTreated, convertedHeldout] = perGroup((group) =>
    metrics.input(app('journeyConverted', { journey, group }, `Converted (${group})`)),
  );
  const treatedRate = `${convertedTreated} / ${enteredTreated}`;
  const heldoutRate = `${convertedHeldout} / ${enteredHeldout}`;
  metrics.expression(`100 * ${treatedRate}`, 'Conversion rate, treated');
  metrics.expression(`100 * ${heldoutRate}`, 'Conversion rate, held out');
  metrics.expression(`100 * (${treatedRate} - ${heldoutRate})`, 'Lift (percentage points)');
  return {
    id: `${journey}-conversion-lift`,
    title: `${journey}: conversion per entrant, treated vs held out`,
    kind: 'number',
    unit: 'percent',
    metrics: metrics.list(),
  };
}

function revenueLiftWidget(journey: JourneyId, currencies: readonly string[]): Widget {
  const metrics = new WidgetMetrics();
  const [enteredTreated, enteredHeldout] = entrants(metrics, journey);
  for (const currency of currencies) {
    const [revenueTreated, revenueHeldout] = perGroup((group) =>
      metrics.input(
        app('conversionRevenue', { journey, group, currency }, `Revenue (${group}, ${currency})`),
      ),
    );
    const treated = `${revenueTreated} / ${enteredTreated}`;
    const heldout = `${revenueHeldout} / ${enteredHeldout}`;
    metrics.expression(treated, `Revenue per entrant, treated (${currency})`);
    metrics.expression(heldout, `Revenue per entrant, held out (${currency})`);
    metrics.expression(`${treated} - ${heldout}`, `Lift per entrant (${currency})`);
  }
  return {
    id: `${journey}-revenue-lift`,
    title: `${journey}: revenue per entrant, treated vs held out`,
    kind: 'number',
    unit: 'money',
    metrics: metrics.list(),
  };
}

/** What each step answered: the "why did nothing go out?" view, totals per step over every reason. */
function stepOutcomesWidget(journey: JourneyId, steps: readonly SendingStep[]): Widget {
  const metrics = new WidgetMetrics();
  for (const { step } of steps) {
    metrics.show(app('emailSent', { journey, step }, `${step} sent`));
    metrics.expression(sum(perReason(metrics, 'emailSkipped', journey, step)), `${step} skipped`);
    metrics.expression(sum(perReason(metrics, 'emailDeferred', journey, step)), `${step} deferred`);
  }
  for (const step of stepIdsOf(journey)) {
    metrics.expression(sum(perReason(metrics, 'journeyExited', journey, step)), `exited at ${step}`);
  }
  return {
    id: `${journey}-step-outcomes`,
    title: `${journey}: step outcomes`,
    kind: 'line',
    unit: 'count',
    metrics: metrics.list(),
  };
}

/** The same answers by reason over the journey's steps: why runs ended, why mails were skipped or held back. */
function reasonsWidget(journey: JourneyId, steps: readonly SendingStep[]): Widget {
  const metrics = new WidgetMetrics();
  const groups: ReadonlyArray<[ReasonMetricName, readonly string[], string]> = [
    ['journeyExited', stepIdsOf(journey), 'Exited'],
    ['emailSkipped', steps.map(({ step }) => step), 'Skipped'],
    ['emailDeferred', steps.map(({ step }) => step), 'Deferred'],
  ];
  for (const [name, stepsOfGroup, outcome] of groups) {
    for (const reason of reasonsOf(name, journey)) {
      const ids = stepsOfGroup.map((step) =>
        metrics.input(app(name, { journey, step, reason }, `${journey} ${step} ${reason}`)),
      );
      metrics.expression(sum(ids), `${outcome}: ${reason.replaceAll('-', ' ')}`);
    }
  }
  return {
    id: `${journey}-reasons`,
    title: `${journey}: why runs ended and mails were held back`,
    kind: 'bar',
    unit: 'count',
    metrics: metrics.list(),
  };
}

function deliverabilityRow(journeys: readonly JourneyId[]): WidgetRow {
  return {
    id: 'deliverability',
    title: 'Deliverability',
    widgets: [
      rateWidget(journeys, {
        id: 'bounce-rate',
        title: 'Bounce rate (%)',
        sesMetric: SES_BOUNCE_RATE_METRIC,
        ours: 'emailBounced',
        review: SES_REVIEW_BOUNCE_RATE,
        alarm: ALARM_BOUNCE_RATE,
      }),
      rateWidget(journeys, {
        id: 'complaint-rate',
        title: 'Complaint rate (%)',
        sesMetric: SES_COMPLAINT_RATE_METRIC,
        ours: 'emailComplained',
        review: SES_REVIEW_COMPLAINT_RATE,
        alarm: ALARM_COMPLAINT_RATE,
      }),
      engagementWidget(journeys),
    ],
  };
}

const percent = (fraction: number) => `${Number((fraction * 100).toPrecision(6))} %`;

function rateWidget(
  journeys: readonly JourneyId[],
  rate: {
    id: string;
    title: string;
    sesMetric: string;
    ours: 'emailBounced' | 'emailComplained';
    review: number;
    alarm: number;
  },
): Widget {
  const metrics = new WidgetMetrics();
  const account = metrics.input(
    resource('ses-reputation', undefined, rate.sesMetric, 'Maximum', 'SES account'),
  );
  const configurationSet = metrics.input(
    resource(
      'ses-reputation',
      SES_CONFIGURATION_SET_RESOURCE,
      rate.sesMetric,
      'Maximum',
      'SES configuration set',
    ),
  );
  const sent = journeys.flatMap((journey) => perStep(metrics, 'emailSent', journey, sendingSteps(journey)));
  const ours = journeys.flatMap((journey) => perVariant(metrics, rate.ours, journey, sendingSteps(journey)));
  metrics.expression(`100 * ${account}`, 'SES reputation, account (what SES reviews)');
  metrics.expression(`100 * ${configurationSet}`, 'SES reputation, journeys configuration set');
  if (sent.length > 0) metrics.expression(`100 * ${sum(ours)} / ${sum(sent)}`, 'Journey mails (our events)');
  return {
    id: rate.id,
    title: rate.title,
    kind: 'line',
    unit: 'percent',
    metrics: metrics.list(),
    // Drawn in percent, like the metrics above.
    thresholds: [
      { value: rate.review * 100, label: `SES review (${percent(rate.review)})` },
      { value: rate.alarm * 100, label: `Alarm (${percent(rate.alarm)})` },
    ],
  };
}

function engagementWidget(journeys: readonly JourneyId[]): Widget {
  const metrics = new WidgetMetrics();
  metrics.show(app('emailUnsubscribed', {}, 'Unsubscribed'));
  const names = [
    ['emailDelivered', 'Delivered'],
    ['emailBounced', 'Bounced'],
    ['emailComplained', 'Complained'],
  ] as const;
  const inputs = names.map(([name]) =>
    journeys.flatMap((journey) => perVariant(metrics, name, journey, sendingSteps(journey))),
  );
  names.forEach(([, label], index) => {
    const ids = inputs[index] ?? [];
    if (ids.length > 0) metrics.expression(sum(ids), label);
  });
  return {
    id: 'engagement',
    title: 'Delivered, bounced, complained, unsubscribed',
    kind: 'line',
    unit: 'count',
    metrics: metrics.list(),
  };
}

/** `functions/ingest/handlers/own-events.ts` → `ingest/own-events`. */
export function functionLabel(entry: string): string {
  return entry
    .replace(/^functions\//, '')
    .replace('/handlers/', '/')
    .replace(/\.ts$/, '');
}

function pipelineRow(
  journeys: readonly JourneyId[],
  functions: readonly string[],
  deadLetterQueues: readonly string[],
): WidgetRow {
  const widgets: Widget[] = [ingestWidget()];
  if (functions.length > 0) {
    widgets.push(functionWidget('function-errors', 'Lambda errors', 'Errors', functions));
    widgets.push(functionWidget('function-throttles', 'Lambda throttles', 'Throttles', functions));
  }
  if (deadLetterQueues.length > 0) widgets.push(deadLetterQueueWidget(deadLetterQueues));
  widgets.push(executionsWidget(journeys));
  return { id: 'pipeline', title: 'Pipeline health', widgets };
}

function ingestWidget(): Widget {
  const metrics = new WidgetMetrics();
  metrics.show(app('eventIngested', {}, 'Events ingested'));
  metrics.show(app('eventRejected', {}, 'Events rejected (4xx)'));
  metrics.show(resource('ingest-api', undefined, '4xx', 'Sum', 'API requests answered 4xx'));
  metrics.show(resource('ingest-api', undefined, '5xx', 'Sum', 'API requests answered 5xx'));
  metrics.show(app('profileUpdated', {}, 'Profiles updated'));
  return { id: 'ingest', title: 'Ingest', kind: 'line', unit: 'count', metrics: metrics.list() };
}

function functionWidget(id: string, title: string, metric: string, functions: readonly string[]): Widget {
  const metrics = new WidgetMetrics();
  for (const entry of functions)
    metrics.show(resource('function', entry, metric, 'Sum', functionLabel(entry)));
  return { id, title, kind: 'line', unit: 'count', metrics: metrics.list() };
}

function deadLetterQueueWidget(queues: readonly string[]): Widget {
  const metrics = new WidgetMetrics();
  for (const queue of queues) {
    metrics.show(
      resource('dead-letter-queue', queue, 'ApproximateNumberOfMessagesVisible', 'Maximum', queue),
    );
  }
  return {
    id: 'dead-letter-queues',
    title: 'Dead-letter queues (messages waiting)',
    kind: 'line',
    unit: 'count',
    metrics: metrics.list(),
  };
}

function executionsWidget(journeys: readonly JourneyId[]): Widget {
  const metrics = new WidgetMetrics();
  for (const journey of journeys) {
    metrics.show(resource('state-machine', journey, 'ExecutionsFailed', 'Sum', `${journey} failed`));
    metrics.show(resource('state-machine', journey, 'ExecutionsTimedOut', 'Sum', `${journey} timed out`));
  }
  return {
    id: 'journey-executions',
    title: 'Journey executions failed or timed out',
    kind: 'line',
    unit: 'count',
    metrics: metrics.list(),
  };
}
