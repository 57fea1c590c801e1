import { beforeAll, describe, expect, it } from 'vitest';
import { estimateMonthlyCost } from '#local/simulate/cost-estimate.ts';
import type { OperationCounts } from '#local/simulate/operation-counts.ts';
import { loadPriceTable, type PriceTable } from '#local/simulate/price-table.ts';
import {
  type Deliverability,
  formatMoney,
  formatPercent,
  formatUnitPrice,
  formatUsd,
  journeyLift,
  renderReport,
  revenuePerEntrant,
  type SimulationReport,
  WARNING_MARK,
} from '#local/simulate/report.ts';

const OPERATIONS: OperationCounts = {
  days: 7,
  httpApiRequests: 58_000,
  eventBridgeEvents: 64_000,
  lambda: { invocations: 21_000, gbSeconds: 1_900.5 },
  stepFunctionsTransitions: 9_800,
  dynamodb: { readRequestUnits: 120_000, writeRequestUnits: 95_000 },
  sqsRequests: 30_000,
  sesMails: 2_100,
  schedulerInvocations: 7,
  cloudwatch: { customMetrics: 40, logBytes: 250_000_000, dashboards: 1, alarms: 12 },
};

const DELIVERABILITY: Deliverability = {
  sent: 2_100,
  delivered: 2_050,
  opened: 800,
  clicked: 190,
  bounced: 50,
  complained: 1,
  unsubscribed: 12,
  bounceRate: 50 / 2_100,
  complaintRate: 1 / 2_100,
};

function sampleReport(prices: PriceTable, deliverability: Partial<Deliverability> = {}): SimulationReport {
  return {
    options: { customers: 10_000, days: 7, seed: 7, startDate: '2026-03-02' },
    groundTruth: {
      storefrontEvents: 57_400,
      orders: 1_234,
      revenue: { amount: '98765.40', currency: 'USD' },
    },
    journeys: [
      {
        journey: 'cart-abandonment',
        entered: 1_200,
        enteredHeldOut: 120,
        sent: 1_650,
        deferred: 40,
        skipped: 15,
        exited: 610,
        converted: 300,
        attributedRevenue: { amount: '12345.5', currency: 'USD' },
        lift: journeyLift(
          { entrants: 1_080, conversions: 280, revenue: { amount: '11200.00', currency: 'USD' } },
          { entrants: 120, conversions: 20, revenue: { amount: '800.00', currency: 'USD' } },
        ),
      },
      {
        journey: 'welcome',
        entered: 450,
        enteredHeldOut: 0,
        sent: 450,
        deferred: 0,
        skipped: 3,
        exited: 0,
        converted: 60,
        attributedRevenue: { amount: '2400.00', currency: 'USD' },
        lift: null,
      },
    ],
    deliverability: { ...DELIVERABILITY, ...deliverability },
    operations: OPERATIONS,
    cost: estimateMonthlyCost(OPERATIONS, prices, {
      storefrontEvents: 57_400,
      journeyRuns: 1_650,
      audience: 1_500,
      customers: 10_000,
    }),
    wallClock: { seconds: 42.25, peakRssMb: 311.4, lambdaMeanMs: 37 },
  };
}

function lineWith(text: string, start: string): string {
  const found = text.split('\n').find((line) => line.trimStart().startsWith(start));
  if (found === undefined) throw new Error(`no line starting with ${start}`);
  return found;
}

describe('Function: renderReport', () => {
  let prices: PriceTable;

  beforeAll(async () => {
    prices = await loadPriceTable();
  });

  it('prints a row per journey with its funnel and attributed revenue', () => {
    // Prepare
    const report = sampleReport(prices);

    // Act
    const text = renderReport(report);

    // Assess
    const journeys = text.slice(text.indexOf('Journeys'), text.indexOf('Holdout lift'));
    expect(
      lineWith(journeys, 'cart-abandonment')
        .trim()
        .split(/\s{2,}/)
        .map((cell) => cell.trim()),
    ).toEqual(['cart-abandonment', '1,200', '120', '1,650', '40', '15', '610', '300', '12,345.50 USD']);
    expect(lineWith(journeys, 'welcome')).toContain('2,400.00 USD');
  });

  it('prints the lift of a journey with a holdout and "no holdout" for one without', () => {
    // Prepare
    const report = sampleReport(prices);

    // Act
    const text = renderReport(report);

    // Assess
    const lift = text.slice(text.indexOf('Holdout lift'), text.indexOf('Deliverability'));
    expect(lineWith(lift, 'cart-abandonment')).toMatch(
      /25\.9%\s+16\.7%\s+\+9\.3 pts\s+10\.37 USD\s+6\.67 USD/,
    );
    expect(lineWith(lift, 'welcome')).toMatch(/welcome\s+no holdout$/);
  });

  it('marks a bounce rate at the 4 % alarm line', () => {
    // Prepare
    const report = sampleReport(prices, { bounced: 84, bounceRate: 84 / 2_100 });

    // Act
    const text = renderReport(report);

    // Assess
    expect(lineWith(text, 'bounced')).toContain(
      `4.0% of sent  ${WARNING_MARK} at or above the 4.0% alarm line`,
    );
  });

  it('marks a complaint rate at 0.08 % and leaves a lower bounce rate unmarked', () => {
    // Prepare
    const report = sampleReport(prices, { bounceRate: 0.0399, complaintRate: 0.0008 });

    // Act
    const text = renderReport(report);

    // Assess
    expect(lineWith(text, 'bounced')).not.toContain(WARNING_MARK);
    expect(lineWith(text, 'complained')).toContain(`0.08% of sent  ${WARNING_MARK}`);
  });

  it('prints each cost line, the total, the per-volume figures and the Pinpoint comparison', () => {
    // Prepare
    const report = sampleReport(prices);

    // Act
    const text = renderReport(report);

    // Assess
    // 58,000 requests over 7 days → 248,571.43 a month → $0.2486
    expect(lineWith(text, 'API Gateway')).toMatch(/58,000\s+248,571\s+\$1\.00 \/ 1M requests\s+\$0\.25$/);
    expect(lineWith(text, 'Scheduler')).toMatch(/\$0\.00003$/);
    expect(lineWith(text, 'total')).toContain(formatUsd(report.cost.monthlyUsd));
    expect(text).toContain('per 1M storefront events');
    expect(text).toContain('per 1,000 journey runs');
    expect(text).toContain('Amazon Pinpoint, for comparison');
    expect(text).toContain('2026-10-30');
  });

  it('writes plain ASCII lines, without colour codes', () => {
    // Prepare
    const report = sampleReport(prices);

    // Act
    const text = renderReport(report);

    // Assess
    expect(text).toMatch(/^[\x20-\x7e\n]*$/);
  });

  it('reads back equal from its JSON form', () => {
    // Prepare
    const report = sampleReport(prices);

    // Act
    const roundTrip = JSON.parse(JSON.stringify(report, null, 2));

    // Assess
    expect(roundTrip).toEqual(report);
  });
});

describe('Function: revenuePerEntrant', () => {
  it('divides exactly and rounds half away from zero to the minor unit', () => {
    // Prepare
    const revenue = { amount: '200.00', currency: 'USD' };

    // Act
    const perEntrant = revenuePerEntrant(revenue, 3);

    // Assess
    expect(perEntrant).toEqual({ amount: '66.67', currency: 'USD' });
  });

  it('is zero in the currency when nobody entered', () => {
    // Prepare
    const revenue = { amount: '0', currency: 'JPY' };

    // Act
    const perEntrant = revenuePerEntrant(revenue, 0);

    // Assess
    expect(perEntrant).toEqual({ amount: '0', currency: 'JPY' });
  });
});

describe('Function: formatUsd', () => {
  it('prints two decimals with grouping', () => {
    // Prepare
    const value = 1234.567;

    // Act
    const text = formatUsd(value);

    // Assess
    expect(text).toBe('$1,234.57');
  });

  it('keeps two significant digits below a cent', () => {
    // Prepare
    const values = [0.0042, 0.000123, 0.00999, 0];

    // Act
    const texts = values.map(formatUsd);

    // Assess
    expect(texts).toEqual(['$0.0042', '$0.00012', '$0.01', '$0.00']);
  });
});

describe('Function: formatPercent', () => {
  it('uses one decimal, and two below 1 %', () => {
    // Prepare
    const fractions = [0.25, 0.04, 0.0008, 0];

    // Act
    const texts = fractions.map(formatPercent);

    // Assess
    expect(texts).toEqual(['25.0%', '4.0%', '0.08%', '0.0%']);
  });
});

describe('Function: formatMoney', () => {
  it('groups the decimal string and pads it to the currency digits', () => {
    // Prepare
    const money = { amount: '1234567.5', currency: 'EUR' };

    // Act
    const text = formatMoney(money);

    // Assess
    expect(text).toBe('1,234,567.50 EUR');
  });
});

describe('Function: formatUnitPrice', () => {
  it('writes the price as the table has it', () => {
    // Prepare
    const prices = [
      { usd: 1, per: 1_000_000, unit: 'request' },
      { usd: 0.0000133334, per: 1, unit: 'GB-second' },
      { usd: 0.025, per: 1_000, unit: 'state transition' },
    ];

    // Act
    const texts = prices.map(formatUnitPrice);

    // Assess
    expect(texts).toEqual([
      '$1.00 / 1M requests',
      '$0.0000133334 / GB-second',
      '$0.025 / 1,000 state transitions',
    ]);
  });
});
