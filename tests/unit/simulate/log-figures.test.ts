import { describe, expect, it } from 'vitest';
import { LogFigures } from '#local/simulate/log-figures.ts';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 2, 2);

/** An EMF line as Powertools writes it: one metric, with and without the journey dimensions. */
function emf(name: string, value: number, at: number, dimensions: Record<string, string>): string {
  return JSON.stringify({
    _aws: {
      Timestamp: at,
      CloudWatchMetrics: [
        {
          Namespace: 'StorefrontJourneys',
          Dimensions: [['service'], ['service', ...Object.keys(dimensions)]],
          Metrics: [{ Name: name, Unit: 'Count' }],
        },
      ],
    },
    service: 'journeys',
    ...dimensions,
    [name]: value,
  });
}

describe('Class: LogFigures', () => {
  it('counts each metric once, by its most specific dimensions, per journey and group', () => {
    // Prepare
    const figures = new LogFigures();

    // Act
    figures.onLogLine('fn', emf('journeyEntered', 1, START, { journey: 'welcome', group: 'treated' }));
    figures.onLogLine('fn', emf('journeyEntered', 1, START, { journey: 'welcome', group: 'heldout' }));
    figures.onLogLine('fn', emf('journeyEntered', 1, START, { journey: 'win-back', group: 'treated' }));
    figures.onLogLine('fn', '{"level":"INFO","message":"not a metric"}');

    // Assess
    expect(figures.total('journeyEntered')).toBe(3);
    expect(figures.total('journeyEntered', 'welcome')).toBe(2);
    expect(figures.total('journeyEntered', 'welcome', 'heldout')).toBe(1);
    expect(figures.lines).toBe(4);
  });

  it('sums revenue in cents so the order of arrival cannot change the total', () => {
    // Prepare
    const figures = new LogFigures();

    // Act
    for (const amount of [0.1, 0.2, 19.99]) {
      figures.onLogLine('fn', emf('attributedRevenue', amount, START, { journey: 'cart-abandonment' }));
    }

    // Assess
    expect(figures.total('attributedRevenue', 'cart-abandonment')).toBe(2029);
  });

  it('bills a metric by the hours it was emitted in, scaled from the period to a month', () => {
    // Prepare
    const figures = new LogFigures();

    // Act: one series in 3 distinct hours of a 15-day run, another in one hour
    for (const at of [START, START + 10 * 60_000, START + HOUR, START + 5 * HOUR]) {
      figures.onLogLine('fn', emf('emailSent', 1, at, { journey: 'welcome' }));
    }
    figures.onLogLine('fn', emf('emailSent', 1, START, { journey: 'win-back' }));

    // Assess: series (service), (service, welcome) in 3 hours each, (service, win-back) in 1; hours
    // doubled from 15 days to 30, over the 720 hours of a month
    expect(figures.metricSeries).toBe(3);
    expect(figures.metricMonths(15)).toBeCloseTo(((3 + 3 + 1) * 2) / 720, 10);
  });

  it('breaks the metric-months down by metric name', () => {
    // Prepare
    const figures = new LogFigures();

    // Act
    figures.onLogLine('fn', emf('emailSent', 1, START, { journey: 'welcome' }));
    figures.onLogLine('fn', emf('emailSent', 1, START, { journey: 'win-back' }));
    figures.onLogLine('fn', emf('journeyExited', 1, START + HOUR, { journey: 'welcome' }));

    // Assess: emailSent in 3 series (service; service and journey twice), journeyExited in 2, an hour each
    const byName = figures.metricMonthsByName(30);
    expect(byName.emailSent).toBeCloseTo(3 / 720, 10);
    expect(byName.journeyExited).toBeCloseTo(2 / 720, 10);
    expect(figures.metricMonths(30)).toBeCloseTo(5 / 720, 10);
  });
});
