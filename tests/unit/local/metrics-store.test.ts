import { describe, expect, it } from 'vitest';
import type { WidgetRow } from '#infra/dashboard/widget-model.ts';
import { MetricsStore, parseEmfLine } from '#local/dashboard/metrics-store.ts';
import { LocalResourceMetrics, type ResourceCounters } from '#local/dashboard/resource-metrics.ts';
import { dashboardData } from '#local/dashboard/widget-data.ts';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);

/** An EMF line as Powertools writes it. */
function emf(
  at: number,
  dimensionSets: string[][],
  values: Record<string, number | number[]>,
  dimensions: Record<string, string>,
): string {
  return JSON.stringify({
    _aws: {
      Timestamp: at,
      CloudWatchMetrics: [
        {
          Namespace: 'StorefrontJourneys',
          Dimensions: dimensionSets,
          Metrics: Object.keys(values).map((name) => ({ Name: name, Unit: 'Count' })),
        },
      ],
    },
    ...dimensions,
    ...values,
  });
}

const sent = (at: number, journey: string, step: string) =>
  emf(at, [['service', 'journey', 'step']], { emailSent: 1 }, { service: 'journeys', journey, step });

describe('Function: parseEmfLine', () => {
  it('reads a metric once per dimension set of its directive', () => {
    // Prepare
    const line = emf(
      T0,
      [
        ['service', 'journey', 'step'],
        ['service', 'group'],
      ],
      { journeyEntered: 1 },
      { service: 'journeys', journey: 'welcome', step: 'enter', group: 'treated' },
    );

    // Act
    const points = parseEmfLine(line);

    // Assess
    expect(points).toEqual([
      {
        namespace: 'StorefrontJourneys',
        name: 'journeyEntered',
        dimensions: { service: 'journeys', journey: 'welcome', step: 'enter' },
        timestamp: T0,
        values: [1],
      },
      {
        namespace: 'StorefrontJourneys',
        name: 'journeyEntered',
        dimensions: { service: 'journeys', group: 'treated' },
        timestamp: T0,
        values: [1],
      },
    ]);
  });

  it('reads repeated values, as Powertools writes them, as separate samples', () => {
    // Prepare
    const line = emf(T0, [['service']], { profileUpdated: [1, 1, 2] }, { service: 'profiles' });

    // Act
    const [point] = parseEmfLine(line);

    // Assess
    expect(point?.values).toEqual([1, 1, 2]);
  });

  it('ignores log lines that are not EMF metrics', () => {
    // Prepare
    const lines = [
      '{"level":"INFO","message":"journey step answered","service":"journeys"}',
      'START RequestId: 1 Version: $LATEST',
      '{"_aws": not json',
      '{"_aws":{"Timestamp":"yesterday","CloudWatchMetrics":[]}}',
      // A dimension without a value: CloudWatch drops the metric.
      emf(T0, [['service', 'journey']], { emailSent: 1 }, { service: 'journeys' }),
      emf(T0, [['service']], { emailSent: Number.NaN }, { service: 'journeys' }),
    ];

    // Act
    const points = lines.flatMap(parseEmfLine);

    // Assess
    expect(points).toEqual([]);
  });
});

describe('Function: MetricsStore', () => {
  it('adds up a metric per period by the minute of its EMF timestamp', () => {
    // Prepare
    const store = new MetricsStore();
    for (const line of [
      sent(T0 + 10_000, 'welcome', 'welcome'),
      sent(T0 + 50_000, 'welcome', 'welcome'),
      sent(T0 + 5 * MINUTE, 'welcome', 'bestsellers'),
      sent(T0 + 12 * MINUTE, 'cart-abandonment', 'reminder-1'),
      '{"level":"INFO","message":"not a metric"}',
    ]) {
      store.onLogLine('JourneyStepFunction', line);
    }

    // Act
    const welcome = store.series({ name: 'emailSent', dimensions: { journey: 'welcome' } }, 'Sum', {
      fromMs: T0,
      toMs: T0 + 15 * MINUTE,
      periodMs: 5 * MINUTE,
    });
    const all = store.aggregate({ name: 'emailSent' }, 'Sum', T0, T0 + 15 * MINUTE);

    // Assess
    expect(welcome).toEqual([2, 1, undefined]);
    expect(all).toBe(4);
    expect(store.earliest).toBe(T0);
  });

  it('counts a value emitted under two dimension sets once', () => {
    // Prepare
    const store = new MetricsStore();
    const entered = (group: string) =>
      emf(
        T0,
        [
          ['service', 'journey', 'step', 'group'],
          ['service', 'group'],
        ],
        { journeyEntered: 1 },
        { service: 'journeys', journey: 'welcome', step: 'enter', group },
      );
    store.onLogLine('fn', entered('treated'));
    store.onLogLine('fn', entered('treated'));
    store.onLogLine('fn', entered('heldout'));

    // Act
    const everyone = store.aggregate({ name: 'journeyEntered' }, 'Sum', T0, T0 + MINUTE);
    const treated = store.aggregate(
      { name: 'journeyEntered', dimensions: { journey: 'welcome', step: 'enter', group: 'treated' } },
      'Sum',
      T0,
      T0 + MINUTE,
    );
    const heldOut = store.aggregate(
      { name: 'journeyEntered', dimensions: { group: 'heldout' } },
      'Sum',
      T0,
      T0 + MINUTE,
    );

    // Assess
    expect(everyone).toBe(3);
    expect(treated).toBe(2);
    expect(heldOut).toBe(1);
  });

  it('answers the average and the maximum of the samples', () => {
    // Prepare
    const store = new MetricsStore();
    store.onLogLine('fn', emf(T0, [['service']], { profileUpdated: [1, 3] }, { service: 'profiles' }));
    store.onLogLine('fn', emf(T0 + MINUTE, [['service']], { profileUpdated: 8 }, { service: 'profiles' }));

    // Act
    const average = store.aggregate({ name: 'profileUpdated' }, 'Average', T0, T0 + 2 * MINUTE);
    const maximum = store.aggregate({ name: 'profileUpdated' }, 'Maximum', T0, T0 + 2 * MINUTE);

    // Assess
    expect(average).toBe(4);
    expect(maximum).toBe(8);
  });

  it('answers nothing for a metric, dimension value or time without datapoints', () => {
    // Prepare
    const store = new MetricsStore();
    store.onLogLine('fn', sent(T0, 'welcome', 'welcome'));

    // Act
    const answers = [
      store.aggregate({ name: 'emailOpened' }, 'Sum', T0, T0 + MINUTE),
      store.aggregate({ name: 'emailSent', dimensions: { journey: 'win-back' } }, 'Sum', T0, T0 + MINUTE),
      store.aggregate({ name: 'emailSent', dimensions: { variant: 'a' } }, 'Sum', T0, T0 + MINUTE),
      store.aggregate({ name: 'emailSent' }, 'Sum', T0 + MINUTE, T0 + 2 * MINUTE),
    ];

    // Assess
    expect(answers).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('Function: dashboardData', () => {
  const row = (widgets: WidgetRow['widgets']): WidgetRow[] => [{ id: 'r', title: 'Row', widgets }];
  const noResources = { value: () => undefined };

  it('computes expressions over the widget metrics, totals and per period alike', () => {
    // Prepare
    const store = new MetricsStore();
    store.onLogLine('fn', sent(T0, 'welcome', 'welcome'));
    store.onLogLine('fn', sent(T0 + 2 * MINUTE, 'welcome', 'welcome'));
    store.onLogLine('fn', sent(T0 + 2 * MINUTE, 'welcome', 'bestsellers'));
    store.onLogLine(
      'fn',
      emf(
        T0 + 2 * MINUTE,
        [['service', 'journey', 'step', 'variant']],
        { emailOpened: 1 },
        { service: 'engagement', journey: 'welcome', step: 'welcome', variant: 'welcome.welcome' },
      ),
    );
    const app = (name: string, step: string) => ({
      source: 'app' as const,
      name,
      dimensions: { journey: 'welcome', step },
      statistic: 'Sum' as const,
      label: `${name} ${step}`,
      hidden: true,
    });
    const rows = row([
      {
        id: 'funnel',
        title: 'welcome: funnel',
        kind: 'bar',
        metrics: [
          app('emailSent', 'welcome'),
          app('emailSent', 'bestsellers'),
          app('emailOpened', 'welcome'),
          { source: 'expression', expression: 'SUM([m0, m1])', label: 'Sent' },
          { source: 'expression', expression: '100 * m2 / SUM([m0, m1])', label: 'Open rate' },
        ],
      },
    ]);

    // Act
    const data = dashboardData(
      rows,
      { metrics: store, resources: noResources },
      { from: T0, now: T0 + 3 * MINUTE },
    );

    // Assess
    const [, , , sentTotal, openRate] = data.widgets.funnel?.metrics ?? [];
    expect(data.periodMs).toBe(MINUTE);
    expect(data.times).toEqual([T0, T0 + MINUTE, T0 + 2 * MINUTE, T0 + 3 * MINUTE]);
    expect(sentTotal?.value).toBe(3);
    expect(sentTotal?.points).toEqual([1, null, 2, null]);
    expect(openRate?.value).toBeCloseTo(100 / 3);
    expect(openRate?.points).toEqual([null, null, 50, null]);
  });

  it('reads resource metrics per period from the resource source', () => {
    // Prepare
    const asked: Array<[number, number | undefined]> = [];
    const resources = {
      value: (
        _role: string,
        _resource: string | undefined,
        _metric: string,
        since: number,
        until?: number,
      ) => {
        asked.push([since, until]);
        return 1;
      },
    };
    const rows = row([
      {
        id: 'errors',
        title: 'Lambda errors',
        kind: 'line',
        metrics: [
          { source: 'resource', role: 'function', metric: 'Errors', statistic: 'Sum', label: 'errors' },
        ],
      },
    ]);

    // Act
    const data = dashboardData(
      rows,
      { metrics: new MetricsStore(), resources },
      { from: T0, now: T0 + 90_000 },
    );

    // Assess
    expect(data.widgets.errors?.metrics[0]).toEqual({ label: 'errors', value: 1, points: [1, 1] });
    expect(asked).toEqual([
      [T0, T0 + 90_000],
      [T0, T0 + MINUTE],
      [T0 + MINUTE, T0 + 90_000],
    ]);
  });

  it('fails only the widget whose expression it cannot compute', () => {
    // Prepare
    const rows = row([
      {
        id: 'odd',
        title: 'Odd',
        kind: 'number',
        metrics: [{ source: 'expression', expression: 'ANOMALY_DETECTION_BAND(m0)', label: 'band' }],
      },
    ]);

    // Act
    const data = dashboardData(
      rows,
      { metrics: new MetricsStore(), resources: noResources },
      { from: T0, now: T0 },
    );

    // Assess
    expect(data.widgets.odd?.error).toContain('unsupported function ANOMALY_DETECTION_BAND');
    expect(data.widgets.odd?.metrics[0]?.value).toBeNull();
  });
});

describe('Function: LocalResourceMetrics', () => {
  function world() {
    let now = T0;
    const journeyStep = { name: 'JourneysJourneyStepFunction001F7E92', errors: 0, invocations: 0 };
    let dlqDepth = 0;
    const counters: ResourceCounters = {
      functions: [
        { ...journeyStep, definition: { entry: '/repo/functions/journeys/handlers/journey-step.ts' } },
      ],
      deadLetterQueues: ['ProfileEventsDlq8D6143D4'],
      queueCounts: () => ({ visible: dlqDepth, inFlight: 0, delayed: 0 }),
      stateMachineStats: () => ({
        JourneysWelcomeJourneyC6644D5F: {
          executionsStarted: 3,
          succeeded: 1,
          failed: 1,
          timedOut: 0,
          aborted: 0,
        },
      }),
    };
    const store = new MetricsStore();
    const resources = new LocalResourceMetrics(counters, { metrics: store, now: () => now });
    const fn = (counters.functions as Array<{ errors: number }>)[0] as { errors: number };
    return {
      store,
      resources,
      advance: (ms: number) => {
        now += ms;
      },
      fail: () => {
        fn.errors += 1;
      },
      setDepth: (depth: number) => {
        dlqDepth = depth;
      },
    };
  }

  it("counts a function's errors within a window from sampled counters", () => {
    // Prepare
    const { resources, advance, fail } = world();
    fail();
    resources.sample();
    advance(MINUTE);
    fail();
    fail();
    resources.sample();
    advance(MINUTE);

    // Act
    const byEntry = resources.value('function', 'functions/journeys/handlers/journey-step.ts', 'Errors', T0);
    const lastMinute = resources.value('function', 'journey-step', 'Errors', T0 + MINUTE);
    const unknown = resources.value('function', undefined, 'Duration', T0);

    // Assess
    expect(byEntry).toBe(2);
    expect(lastMinute).toBe(0);
    expect(unknown).toBeUndefined();
  });

  it('answers the deepest a dead-letter queue got, and executions by journey id', () => {
    // Prepare
    const { resources, advance, setDepth } = world();
    setDepth(3);
    resources.sample();
    advance(MINUTE);
    setDepth(1);

    // Act
    const depth = resources.value(
      'dead-letter-queue',
      'ProfileEventsDlq',
      'ApproximateNumberOfMessagesVisible',
      T0,
    );
    const failed = resources.value('state-machine', 'welcome', 'ExecutionsFailed', T0 - MINUTE);

    // Assess
    expect(depth).toBe(3);
    expect(failed).toBe(1);
  });

  it('computes the SES bounce and complaint rates as running rates of the engagement metrics', () => {
    // Prepare
    const { store, resources } = world();
    const engagement = (name: string, count: number) =>
      emf(T0, [['service']], { [name]: Array.from({ length: count }, () => 1) }, { service: 'engagement' });
    store.onLogLine('fn', engagement('emailDelivered', 95));
    store.onLogLine('fn', engagement('emailBounced', 5));
    store.onLogLine('fn', engagement('emailComplained', 1));

    // Act
    const bounceRate = resources.value('ses-reputation', undefined, 'Reputation.BounceRate', T0);
    const complaintRate = resources.value('ses-reputation', undefined, 'Reputation.ComplaintRate', T0);
    const anHourLater = resources.value(
      'ses-reputation',
      undefined,
      'Reputation.BounceRate',
      T0 + 60 * MINUTE,
      T0 + 61 * MINUTE,
    );
    const before = resources.value('ses-reputation', undefined, 'Reputation.BounceRate', T0 - MINUTE, T0 - 1);

    // Assess
    expect(bounceRate).toBeCloseTo(0.05);
    expect(complaintRate).toBeCloseTo(1 / 95);
    expect(anHourLater).toBeCloseTo(0.05);
    expect(before).toBeUndefined();
  });
});
