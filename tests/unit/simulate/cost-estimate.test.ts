import { beforeAll, describe, expect, it } from 'vitest';
import { type CostEstimate, estimateMonthlyCost } from '#local/simulate/cost-estimate.ts';
import type { OperationCounts } from '#local/simulate/operation-counts.ts';
import { loadPriceTable, type PriceTable } from '#local/simulate/price-table.ts';

/** Counts with nothing in them but what a test sets. */
function counts(days: number, set: (counts: OperationCounts) => void = () => {}): OperationCounts {
  const empty: OperationCounts = {
    days,
    httpApiRequests: 0,
    eventBridgeEvents: 0,
    lambda: { invocations: 0, gbSeconds: 0 },
    stepFunctionsTransitions: 0,
    dynamodb: { readRequestUnits: 0, writeRequestUnits: 0 },
    sqsRequests: 0,
    sesMails: 0,
    schedulerInvocations: 0,
    cloudwatch: { customMetrics: 0, logBytes: 0, dashboards: 0, alarms: 0 },
  };
  set(empty);
  return empty;
}

const NO_VOLUME = { storefrontEvents: 0, journeyRuns: 0, audience: 0 };

function line(estimate: CostEstimate, priceKey: string) {
  const found = [...estimate.lines, ...estimate.pinpoint.lines].find((entry) => entry.priceKey === priceKey);
  if (found === undefined) throw new Error(`no line ${priceKey}`);
  return found;
}

describe('Function: estimateMonthlyCost', () => {
  let prices: PriceTable;

  beforeAll(async () => {
    prices = await loadPriceTable();
  });

  it('prices 1,000,000 HTTP API requests over 30 days at exactly $1.00', () => {
    // Prepare
    const counted = counts(30, (c) => {
      c.httpApiRequests = 1_000_000;
    });

    // Act
    const estimate = estimateMonthlyCost(counted, prices, NO_VOLUME);

    // Assess
    expect(line(estimate, 'aws.httpApiRequests')).toMatchObject({
      quantityCounted: 1_000_000,
      quantityPerMonth: 1_000_000,
      monthlyUsd: 1,
    });
    expect(estimate.monthlyUsd).toBe(1);
  });

  it('scales a 7-day period to a 30-day month', () => {
    // Prepare
    const counted = counts(7, (c) => {
      c.httpApiRequests = 700_000;
      c.stepFunctionsTransitions = 7_000;
      c.dynamodb.writeRequestUnits = 1_400_000;
    });

    // Act
    const estimate = estimateMonthlyCost(counted, prices, NO_VOLUME);

    // Assess
    expect(line(estimate, 'aws.httpApiRequests').quantityPerMonth).toBe(3_000_000);
    expect(line(estimate, 'aws.httpApiRequests').monthlyUsd).toBe(3);
    // 30,000 transitions × $0.025 / 1,000
    expect(line(estimate, 'aws.stepFunctionsTransitions').monthlyUsd).toBeCloseTo(0.75, 12);
    // 6,000,000 WRU × $0.625 / 1M
    expect(line(estimate, 'aws.dynamodbWriteRequestUnits').monthlyUsd).toBeCloseTo(3.75, 12);
    expect(estimate.monthlyUsd).toBeCloseTo(7.5, 12);
  });

  it('prices Lambda duration at the arm64 rate and logs per 2^30 bytes', () => {
    // Prepare
    const counted = counts(30, (c) => {
      c.lambda = { invocations: 2_000_000, gbSeconds: 100_000 };
      c.cloudwatch.logBytes = 2 * 2 ** 30;
    });

    // Act
    const estimate = estimateMonthlyCost(counted, prices, NO_VOLUME);

    // Assess
    expect(line(estimate, 'aws.lambdaRequests').monthlyUsd).toBeCloseTo(0.4, 12);
    expect(line(estimate, 'aws.lambdaDuration').monthlyUsd).toBeCloseTo(1.33334, 12);
    expect(line(estimate, 'aws.cloudwatchLogsIngestion')).toMatchObject({
      quantityPerMonth: 2,
      monthlyUsd: 1,
    });
  });

  it('takes custom metrics, dashboards and alarms as monthly figures without scaling them', () => {
    // Prepare
    const counted = counts(7, (c) => {
      c.cloudwatch = { customMetrics: 20, logBytes: 0, dashboards: 1, alarms: 10 };
    });

    // Act
    const estimate = estimateMonthlyCost(counted, prices, NO_VOLUME);

    // Assess
    expect(line(estimate, 'aws.cloudwatchCustomMetrics')).toMatchObject({
      quantityPerMonth: 20,
      basis: 'perMonth',
    });
    expect(line(estimate, 'aws.cloudwatchDashboards').monthlyUsd).toBe(3);
    expect(line(estimate, 'aws.cloudwatchAlarms').monthlyUsd).toBeCloseTo(1, 12);
    // 20 × $0.30 + $3.00 + 10 × $0.10
    expect(estimate.monthlyUsd).toBeCloseTo(10, 12);
  });

  it('divides the whole monthly bill by 1M storefront events and by 1,000 journey runs', () => {
    // Prepare: $2.00 of requests and a $3.00 dashboard make $5.00 a month
    const counted = counts(30, (c) => {
      c.httpApiRequests = 2_000_000;
      c.cloudwatch.dashboards = 1;
    });
    const volume = { storefrontEvents: 500_000, journeyRuns: 2_500, audience: 0 };

    // Act
    const estimate = estimateMonthlyCost(counted, prices, volume);

    // Assess
    expect(estimate.monthlyUsd).toBe(5);
    expect(estimate.usdPerMillionStorefrontEvents).toBe(10);
    expect(estimate.usdPerThousandJourneyRuns).toBe(2);
  });

  it('gives no per-volume figures when nothing was sent or run', () => {
    // Prepare
    const counted = counts(30, (c) => {
      c.cloudwatch.dashboards = 1;
    });

    // Act
    const estimate = estimateMonthlyCost(counted, prices, NO_VOLUME);

    // Assess
    expect(estimate.usdPerMillionStorefrontEvents).toBeNull();
    expect(estimate.usdPerThousandJourneyRuns).toBeNull();
  });

  it('prices the same audience, events and mails on Pinpoint after its 5,000 free endpoints', () => {
    // Prepare
    const counted = counts(30, (c) => {
      c.sesMails = 10_000;
    });
    const volume = { storefrontEvents: 2_000_000, journeyRuns: 1_000, audience: 8_000 };

    // Act
    const estimate = estimateMonthlyCost(counted, prices, volume);

    // Assess
    // (8,000 − 5,000) × $0.0012 + 2M × $1.00 / 1M + 10,000 × $0.10 / 1,000
    expect(line(estimate, 'pinpoint.targetedEndpoints')).toMatchObject({ freePerMonth: 5_000 });
    expect(line(estimate, 'pinpoint.targetedEndpoints').monthlyUsd).toBeCloseTo(3.6, 12);
    expect(line(estimate, 'pinpoint.events').monthlyUsd).toBe(2);
    expect(line(estimate, 'pinpoint.emails').monthlyUsd).toBeCloseTo(1, 12);
    expect(estimate.pinpoint.monthlyUsd).toBeCloseTo(6.6, 12);
    expect(estimate.pinpoint.availability).toMatch(/2026-10-30/);
  });

  it('charges nothing for an audience within the 5,000 free endpoints', () => {
    // Prepare
    const volume = { storefrontEvents: 0, journeyRuns: 0, audience: 4_999 };

    // Act
    const estimate = estimateMonthlyCost(counts(30), prices, volume);

    // Assess
    expect(line(estimate, 'pinpoint.targetedEndpoints').monthlyUsd).toBe(0);
  });

  it('caps the scaled monthly audience at the store customers when they are given', () => {
    // Prepare: 3,500 over 7 days would scale to 15,000, more than the store has
    const volume = { storefrontEvents: 0, journeyRuns: 0, audience: 3_500, customers: 10_000 };

    // Act
    const estimate = estimateMonthlyCost(counts(7), prices, volume);

    // Assess
    expect(estimate.volumePerMonth.audience).toBe(10_000);
    expect(line(estimate, 'pinpoint.targetedEndpoints').monthlyUsd).toBeCloseTo(6, 12);
  });

  it('fails when the period is not positive', () => {
    // Prepare
    const counted = counts(0);

    // Act
    const estimate = (): unknown => estimateMonthlyCost(counted, prices, NO_VOLUME);

    // Assess
    expect(estimate).toThrow(RangeError);
  });

  it('fails when a count is negative', () => {
    // Prepare
    const counted = counts(30, (c) => {
      c.sqsRequests = -1;
    });

    // Act
    const estimate = (): unknown => estimateMonthlyCost(counted, prices, NO_VOLUME);

    // Assess
    expect(estimate).toThrow(/sqsRequests/);
  });
});
