import { describe, expect, it } from 'vitest';
import type {
  AppMetric,
  ExpressionMetric,
  ResourceMetric,
  Widget,
  WidgetMetric,
  WidgetRow,
} from '#infra/dashboard/widget-model.ts';
import {
  ALARM_BOUNCE_RATE,
  ALARM_COMPLAINT_RATE,
  APP_METRICS,
  DIMENSION_NAMES,
  dashboardRows,
  ENTER_STEP,
  HOLDOUT_GROUPS,
  isAppMetricName,
  type ReasonMetricName,
  reasonsOf,
  SES_BOUNCE_RATE_METRIC,
  SES_COMPLAINT_RATE_METRIC,
  SES_CONFIGURATION_SET_RESOURCE,
  SES_REVIEW_BOUNCE_RATE,
  SES_REVIEW_COMPLAINT_RATE,
  sendingSteps,
} from '#infra/dashboard/widgets.ts';
import { journeyIds, sendingStepsOf, stepIdsOf } from '#infra/journeys/catalog.ts';

const JOURNEY_IDS = journeyIds();
type JourneyId = string;
const JOURNEY_STEP_IDS: Record<string, string[]> = Object.fromEntries(
  JOURNEY_IDS.map((id) => [id, stepIdsOf(id)]),
);

import { MetricsStore } from '#local/dashboard/metrics-store.ts';
import { dashboardData } from '#local/dashboard/widget-data.ts';

const FUNCTIONS = ['functions/ingest/handlers/own-events.ts', 'functions/journeys/handlers/journey-step.ts'];
const QUEUES = ['ProfileEventsDlq', 'JourneyStartsDlq'];

const FIXED_METRIC_NAMES = [
  'eventIngested',
  'eventRejected',
  'profileUpdated',
  'journeyEntered',
  'journeyExited',
  'journeyConverted',
  'conversionRevenue',
  'emailSent',
  'emailDeferred',
  'emailSkipped',
  'emailDelivered',
  'emailOpened',
  'emailClicked',
  'emailBounced',
  'emailComplained',
  'emailUnsubscribed',
  'attributedRevenue',
  'attributedOrders',
];

const allRows = (currencies?: readonly string[]) =>
  dashboardRows(JOURNEY_IDS, { functions: FUNCTIONS, deadLetterQueues: QUEUES, currencies });
const widgetsOf = (rows: readonly WidgetRow[]) => rows.flatMap((row) => row.widgets);
const appMetricsOf = (rows: readonly WidgetRow[]) =>
  widgetsOf(rows).flatMap((widget) => widget.metrics.filter((m): m is AppMetric => m.source === 'app'));
const resourceMetricsOf = (widget: Widget) =>
  widget.metrics.filter((m): m is ResourceMetric => m.source === 'resource');
const expressionsOf = (widget: Widget) =>
  widget.metrics.filter((m): m is ExpressionMetric => m.source === 'expression');

function widget(rows: readonly WidgetRow[], id: string): Widget {
  const found = widgetsOf(rows).find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`No widget ${id}`);
  return found;
}

/** The metrics an expression names (`m3` is the widget's fourth metric). */
function usedBy(widget: Widget, expression: ExpressionMetric): WidgetMetric[] {
  return (expression.expression.match(/\bm\d+\b/g) ?? []).map((id) => widget.metrics[Number(id.slice(1))]!);
}

function templateOf(journey: JourneyId, step: string): string | undefined {
  return sendingStepsOf(journey).find((sending) => sending.step === step)?.variants[0];
}

describe('Function: dashboardRows', () => {
  it('has a row per journey in the order given, then deliverability and pipeline health', () => {
    // Prepare
    const journeys = ['cart-abandonment', 'welcome'];

    // Act
    const rows = dashboardRows(journeys);

    // Assess
    expect(rows.map((row) => row.id)).toEqual([
      'journey-cart-abandonment',
      'journey-welcome',
      'deliverability',
      'pipeline',
    ]);
  });

  it('gives every widget its own id', () => {
    // Act
    const ids = widgetsOf(allRows()).map((w) => w.id);

    // Assess
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('names only the fixed app metrics, each with exactly the dimensions it is emitted with', () => {
    // Act
    const metrics = appMetricsOf(allRows());

    // Assess
    expect(Object.keys(APP_METRICS).sort()).toEqual([...FIXED_METRIC_NAMES].sort());
    for (const metric of metrics) {
      expect(FIXED_METRIC_NAMES).toContain(metric.name);
      const expected = isAppMetricName(metric.name) ? [...APP_METRICS[metric.name].dimensions].sort() : [];
      expect(Object.keys(metric.dimensions ?? {}).sort(), `${metric.name} ${metric.label}`).toEqual(expected);
      for (const dimension of Object.keys(metric.dimensions ?? {}))
        expect(DIMENSION_NAMES).toContain(dimension);
    }
  });

  it('uses only dimension values the journeys emit', () => {
    // Prepare
    const currencies = ['USD', 'EUR'];

    // Act
    const metrics = appMetricsOf(allRows(currencies));

    // Assess
    for (const { name, dimensions = {} } of metrics) {
      const journey = JOURNEY_IDS.find((id) => id === dimensions.journey);
      if (dimensions.journey !== undefined) expect(journey, name).toBeDefined();
      if (journey !== undefined && dimensions.step !== undefined) {
        expect(JOURNEY_STEP_IDS[journey], name).toContain(dimensions.step);
      }
      if (journey !== undefined && dimensions.variant !== undefined) {
        expect(dimensions.variant, name).toBe(templateOf(journey, dimensions.step ?? ''));
      }
      if (dimensions.group !== undefined) expect(HOLDOUT_GROUPS, name).toContain(dimensions.group);
      if (dimensions.currency !== undefined) expect(currencies, name).toContain(dimensions.currency);
      if (journey !== undefined && dimensions.reason !== undefined) {
        expect(reasonsOf(name as ReasonMetricName, journey), name).toContain(dimensions.reason);
      }
      if (name === 'journeyEntered') expect(dimensions.step).toBe(ENTER_STEP);
    }
  });

  it('draws each funnel from entered to converted, summing every sending step', () => {
    // Prepare
    const rows = dashboardRows(['cart-abandonment']);
    const funnel = widget(rows, 'cart-abandonment-funnel');

    // Act
    const stages = expressionsOf(funnel);
    const sent = usedBy(funnel, stages.find((stage) => stage.label === 'Sent')!) as AppMetric[];

    // Assess
    expect(funnel.kind).toBe('bar');
    expect(stages.map((stage) => stage.label).slice(0, 5)).toEqual([
      'Entered',
      'Sent',
      'Opened',
      'Clicked',
      'Converted',
    ]);
    expect(stages.map((stage) => usedBy(funnel, stage).map((m) => (m as AppMetric).name)[0])).toEqual([
      'journeyEntered',
      'emailSent',
      'emailOpened',
      'emailClicked',
      'journeyConverted',
      'attributedOrders',
    ]);
    expect(sent.map((metric) => metric.dimensions)).toEqual([
      { journey: 'cart-abandonment', step: 'reminder-1' },
      { journey: 'cart-abandonment', step: 'reminder-2' },
      { journey: 'cart-abandonment', step: 'last-chance' },
    ]);
  });

  it('lets an expression use only metrics before it and hides no metric that no expression uses', () => {
    // Act
    const widgets = widgetsOf(allRows(['USD', 'EUR']));

    // Assess
    for (const w of widgets) {
      const firstExpression = w.metrics.findIndex((m) => m.source === 'expression');
      const used = new Set<number>();
      w.metrics.forEach((metric, index) => {
        if (metric.source !== 'expression') {
          expect(firstExpression === -1 || index < firstExpression, `${w.id} m${index}`).toBe(true);
          return;
        }
        for (const id of metric.expression.match(/\bm\d+\b/g) ?? []) {
          const target = Number(id.slice(1));
          expect(w.metrics[target]?.source, `${w.id}: ${metric.expression}`).toMatch(/^(app|resource)$/);
          used.add(target);
        }
        expect(metric.expression, w.id).toMatch(/^[\sm\d.+\-*/()[\],SUM]+$/);
      });
      w.metrics.forEach((metric, index) => {
        if (metric.source !== 'expression' && metric.hidden === true)
          expect(used, `${w.id} m${index}`).toContain(index);
      });
    }
  });

  it('counts exits, skipped and deferred mails by a small fixed set of reasons, never an id', () => {
    // Act
    const cartExits = reasonsOf('journeyExited', 'cart-abandonment');
    const welcomeExits = reasonsOf('journeyExited', 'welcome');
    const skips = reasonsOf('emailSkipped', 'welcome');
    const deferrals = reasonsOf('emailDeferred', 'welcome');

    // Assess
    // The interpreter's own exits, then the journey's goals (from its definition).
    expect(cartExits).toEqual([
      'duplicate-trigger',
      'already-entered',
      'not-eligible',
      'superseded',
      'capped',
      'erased',
      'ordered',
      'cart-replaced',
      'emptied',
      'unsubscribed',
    ]);
    expect(welcomeExits.slice(6)).toEqual(['ordered', 'unsubscribed']);
    expect(skips).toEqual([
      'duplicate',
      'no-email',
      'no-consent',
      'suppressed',
      'capped',
      'holdout',
      'sender-address-missing',
      'step-disabled',
      'skip-when',
    ]);
    // Waiting for the profile or a shipment holds no mail back, so it is no reason to count a deferred mail;
    // waiting for an earlier attempt's claim on the mail's slot does.
    expect(deferrals).toEqual(['quiet-hours', 'capped', 'send-in-progress', 'throttled']);
    for (const reason of [...cartExits, ...skips, ...deferrals]) expect(reason).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });

  it("totals each step's skipped and deferred mails and its exits over every reason", () => {
    // Prepare
    const outcomes = widget(dashboardRows(['cart-abandonment']), 'cart-abandonment-step-outcomes');
    const expression = (label: string) => {
      const found = expressionsOf(outcomes).find((e) => e.label === label);
      if (found === undefined) throw new Error(`No expression ${label}`);
      return found;
    };

    // Act
    const inputs = (label: string) =>
      (usedBy(outcomes, expression(label)) as AppMetric[]).map((m) => [
        m.name,
        m.dimensions?.step,
        m.dimensions?.reason,
        m.hidden,
      ]);

    // Assess
    expect(inputs('reminder-1 skipped')).toEqual(
      reasonsOf('emailSkipped', 'cart-abandonment').map((r) => ['emailSkipped', 'reminder-1', r, true]),
    );
    expect(inputs('last-chance deferred')).toEqual(
      reasonsOf('emailDeferred', 'cart-abandonment').map((r) => ['emailDeferred', 'last-chance', r, true]),
    );
    expect(inputs('exited at enter')).toEqual(
      reasonsOf('journeyExited', 'cart-abandonment').map((r) => ['journeyExited', 'enter', r, true]),
    );
    expect(expression('exited at enter').expression).toMatch(/^SUM\(\[m\d+(, m\d+)*\]\)$/);
    expect(
      outcomes.metrics.filter((m) => m.source === 'app' && m.hidden !== true).map((m) => m.label),
    ).toEqual(['reminder-1 sent', 'reminder-2 sent', 'last-chance sent']);
  });

  it('breaks exits, skipped and deferred mails down by reason over all steps of a journey', () => {
    // Prepare
    const reasons = widget(dashboardRows(['welcome']), 'welcome-reasons');

    // Act
    const ordered = expressionsOf(reasons).find((e) => e.label === 'Exited: ordered')!;
    const noConsent = expressionsOf(reasons).find((e) => e.label === 'Skipped: no consent')!;

    // Assess
    expect(reasons.kind).toBe('bar');
    expect(expressionsOf(reasons).map((e) => e.label)).toEqual([
      ...reasonsOf('journeyExited', 'welcome').map((r) => `Exited: ${r.replaceAll('-', ' ')}`),
      ...reasonsOf('emailSkipped', 'welcome').map((r) => `Skipped: ${r.replaceAll('-', ' ')}`),
      'Deferred: quiet hours',
      'Deferred: capped',
      'Deferred: send in progress',
      'Deferred: throttled',
    ]);
    expect((usedBy(reasons, ordered) as AppMetric[]).map((m) => m.dimensions)).toEqual(
      (JOURNEY_STEP_IDS.welcome ?? []).map((step) => ({ journey: 'welcome', step, reason: 'ordered' })),
    );
    expect((usedBy(reasons, noConsent) as AppMetric[]).map((m) => m.dimensions?.step)).toEqual(
      sendingSteps('welcome').map(({ step }) => step),
    );
  });

  it('compares conversion and revenue per entrant between treated and held-out entrants', () => {
    // Prepare
    const rows = dashboardRows(['welcome'], { currencies: ['EUR'] });

    // Act
    const conversion = widget(rows, 'welcome-conversion-lift');
    const revenue = widget(rows, 'welcome-revenue-lift');

    // Assess
    const conversionInputs = expressionsOf(conversion).map((e) =>
      usedBy(conversion, e).map((m) => `${(m as AppMetric).name}/${(m as AppMetric).dimensions?.group}`),
    );
    expect(conversionInputs.slice(0, 2)).toEqual([
      ['journeyConverted/treated', 'journeyEntered/treated'],
      ['journeyConverted/heldout', 'journeyEntered/heldout'],
    ]);
    expect(conversion.unit).toBe('percent');
    const revenueInputs = expressionsOf(revenue).map((e) =>
      usedBy(revenue, e).map((m) => `${(m as AppMetric).name}/${(m as AppMetric).dimensions?.group}`),
    );
    expect(revenueInputs.slice(0, 2)).toEqual([
      ['conversionRevenue/treated', 'journeyEntered/treated'],
      ['conversionRevenue/heldout', 'journeyEntered/heldout'],
    ]);
    expect(expressionsOf(revenue).map((e) => e.label)).toContain('Revenue per entrant, treated (EUR)');
  });

  it('keeps revenue apart per currency', () => {
    // Act
    const revenue = widget(dashboardRows(['win-back'], { currencies: ['USD', 'JPY'] }), 'win-back-revenue');

    // Assess
    const byLabel = expressionsOf(revenue).map((e) => [
      e.label,
      [...new Set(usedBy(revenue, e).map((m) => (m as AppMetric).dimensions?.currency))],
    ]);
    expect(byLabel).toEqual([
      ['Attributed revenue (USD)', ['USD']],
      ['Attributed revenue (JPY)', ['JPY']],
    ]);
  });

  it("draws SES's review lines and our alarm lines on the rate widgets, in percent", () => {
    // Act
    const rows = allRows();
    const bounce = widget(rows, 'bounce-rate');
    const complaint = widget(rows, 'complaint-rate');

    // Assess
    expect(bounce.thresholds?.map((t) => t.value)).toEqual([5, 4]);
    expect(complaint.thresholds?.map((t) => t.value)).toEqual([0.1, 0.08]);
    expect([bounce.unit, complaint.unit]).toEqual(['percent', 'percent']);
    expect(resourceMetricsOf(bounce).map((m) => [m.role, m.resource, m.metric])).toEqual([
      ['ses-reputation', undefined, SES_BOUNCE_RATE_METRIC],
      ['ses-reputation', SES_CONFIGURATION_SET_RESOURCE, SES_BOUNCE_RATE_METRIC],
    ]);
    expect(resourceMetricsOf(complaint).map((m) => m.metric)).toEqual([
      SES_COMPLAINT_RATE_METRIC,
      SES_COMPLAINT_RATE_METRIC,
    ]);
    expect(expressionsOf(bounce).map((e) => e.expression.startsWith('100 * '))).toEqual([true, true, true]);
  });

  it('puts our alarm lines below the rates at which SES reviews the account', () => {
    // Assess
    expect([ALARM_BOUNCE_RATE, ALARM_COMPLAINT_RATE]).toEqual([0.04, 0.0008]);
    expect([SES_REVIEW_BOUNCE_RATE, SES_REVIEW_COMPLAINT_RATE]).toEqual([0.05, 0.001]);
  });

  it('computes our own bounce rate from every sending step of every journey', () => {
    // Prepare
    const bounce = widget(allRows(), 'bounce-rate');
    const ours = expressionsOf(bounce).find((e) => e.label === 'Journey mails (our events)')!;

    // Act
    const inputs = usedBy(bounce, ours) as AppMetric[];

    // Assess
    const expectedSteps = JOURNEY_IDS.flatMap((journey) =>
      sendingSteps(journey).map(({ step }) => `${journey}/${step}`),
    );
    const stepsOf = (name: string) =>
      inputs.filter((m) => m.name === name).map((m) => `${m.dimensions?.journey}/${m.dimensions?.step}`);
    expect(stepsOf('emailBounced')).toEqual(expectedSteps);
    expect(stepsOf('emailSent')).toEqual(expectedSteps);
  });

  it('draws errors and throttles per function, depth per dead-letter queue and failures per journey', () => {
    // Act
    const rows = allRows();

    // Assess
    const described = (id: string) =>
      resourceMetricsOf(widget(rows, id)).map((m) => `${m.role} ${m.resource} ${m.metric} ${m.statistic}`);
    expect(described('function-errors')).toEqual(FUNCTIONS.map((entry) => `function ${entry} Errors Sum`));
    expect(described('function-throttles')).toEqual(
      FUNCTIONS.map((entry) => `function ${entry} Throttles Sum`),
    );
    expect(described('dead-letter-queues')).toEqual(
      QUEUES.map((queue) => `dead-letter-queue ${queue} ApproximateNumberOfMessagesVisible Maximum`),
    );
    expect(described('journey-executions')).toEqual(
      JOURNEY_IDS.flatMap((journey) => [
        `state-machine ${journey} ExecutionsFailed Sum`,
        `state-machine ${journey} ExecutionsTimedOut Sum`,
      ]),
    );
    expect(described('ingest')).toEqual(['ingest-api undefined 4xx Sum', 'ingest-api undefined 5xx Sum']);
    expect(appMetricsOf([rows.at(-1)!]).map((m) => m.name)).toEqual([
      'eventIngested',
      'eventRejected',
      'profileUpdated',
    ]);
  });

  it('leaves out the function and queue widgets when none are given', () => {
    // Act
    const pipeline = dashboardRows(['welcome']).at(-1)!;

    // Assess
    expect(pipeline.widgets.map((w) => w.id)).toEqual(['ingest', 'journey-executions']);
  });

  it('fails on an unknown journey', () => {
    // Act
    const build = () => dashboardRows(['welcome', 'birthday']);

    // Assess
    expect(build).toThrow('Unknown journey "birthday"');
  });
});

describe('Function: sendingSteps', () => {
  it('lists the steps that send a mail, with their template as the variant', () => {
    // Act
    const steps = sendingSteps('post-purchase');

    // Assess
    expect(steps).toEqual([
      { step: 'order-confirmation', variants: ['post-purchase.order-confirmation'] },
      { step: 'review-request', variants: ['post-purchase.review-request'] },
      { step: 'cross-sell', variants: ['post-purchase.cross-sell'] },
    ]);
  });
});

describe('Function: dashboardData over the journey rows', () => {
  const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
  /** One journey-step answer as the handler's Powertools metrics print it. */
  const answered = (name: string, step: string, reason: string) =>
    JSON.stringify({
      _aws: {
        Timestamp: T0,
        CloudWatchMetrics: [
          {
            Namespace: 'StorefrontJourneys',
            Dimensions: [['service', 'journey', 'step', 'reason']],
            Metrics: [{ Name: name, Unit: 'Count' }],
          },
        ],
      },
      service: 'journeys',
      journey: 'cart-abandonment',
      step,
      reason,
      [name]: 1,
    });

  it('shows the totals per step and the breakdown by reason from the EMF lines the handler prints', () => {
    // Prepare
    const metrics = new MetricsStore();
    for (const line of [
      answered('emailSkipped', 'reminder-1', 'no-consent'),
      answered('emailSkipped', 'reminder-1', 'suppressed'),
      answered('emailSkipped', 'reminder-2', 'no-consent'),
      answered('emailDeferred', 'reminder-1', 'quiet-hours'),
      answered('journeyExited', 'reminder-2', 'ordered'),
      answered('journeyExited', 'last-chance', 'ordered'),
      answered('journeyExited', 'enter', 'duplicate-trigger'),
    ])
      metrics.onLogLine('journey-step', line);
    const rows = dashboardRows(['cart-abandonment']);

    // Act
    const data = dashboardData(
      rows,
      { metrics, resources: { value: () => undefined } },
      { from: T0, now: T0 + 60_000 },
    );

    // Assess
    const shownValue = (widgetId: string, label: string) => {
      const index = widget(rows, widgetId).metrics.findIndex((m) => m.label === label);
      return data.widgets[widgetId]?.metrics[index]?.value;
    };
    expect(shownValue('cart-abandonment-step-outcomes', 'reminder-1 skipped')).toBe(2);
    expect(shownValue('cart-abandonment-step-outcomes', 'reminder-1 deferred')).toBe(1);
    expect(shownValue('cart-abandonment-step-outcomes', 'exited at reminder-2')).toBe(1);
    expect(shownValue('cart-abandonment-step-outcomes', 'exited at enter')).toBe(1);
    expect(shownValue('cart-abandonment-reasons', 'Exited: ordered')).toBe(2);
    expect(shownValue('cart-abandonment-reasons', 'Skipped: no consent')).toBe(2);
    expect(shownValue('cart-abandonment-reasons', 'Deferred: quiet hours')).toBe(1);
    expect(shownValue('cart-abandonment-reasons', 'Exited: emptied')).toBeNull();
  });
});
