/**
 * The estimated monthly AWS bill for what a simulation counted, and what the same audience would have
 * cost on Amazon Pinpoint.
 *
 * Arithmetic: USD stays a binary float and is never rounded here; `renderReport` rounds once, when it
 * formats. A line is `quantity × usd / per` (multiplied before dividing, so whole figures such as
 * 1,000,000 requests × $1.00 / 1M come out exact) and the total is the sum of the unrounded lines, so
 * it can differ by a cent from the sum of the printed lines. The float error (about 1e-16 relative) is
 * far below a cent for any bill this can produce; money that must be exact (revenue) never goes
 * through here.
 */
import type { OperationCounts } from './operation-counts.ts';
import type { AwsPriceKey, PinpointPriceKey, Price, PriceTable } from './price-table.ts';

/** The estimate is for a 30-day month, whatever the simulated period. */
export const DAYS_PER_MONTH = 30;

/** CloudWatch Logs bills a GB as 2^30 bytes. */
const BYTES_PER_GB = 2 ** 30;

/** What the simulation drove, besides the operations the runtime counted; all for the simulated period. */
export interface SimulationVolume {
  /** Storefront events sent to the ingest API. */
  storefrontEvents: number;
  /** Journey executions started. */
  journeyRuns: number;
  /** Distinct customers targeted with a mail or a journey in the period (Pinpoint's targeted audience). */
  audience: number;
  /**
   * Customers in the simulated store, if known: caps the monthly audience, which is scaled from the
   * period like everything else although a distinct count grows slower than the period.
   */
  customers?: number;
}

/** How a counted quantity became a monthly one. */
export type CostBasis =
  /** Counted over the period, scaled by 30 / days. */
  | 'scaled'
  /** Already a monthly figure (custom metrics, dashboards, alarms): used as counted. */
  | 'perMonth';

export interface CostLine {
  /** Where the price came from in the table, e.g. `aws.lambdaDuration`. */
  priceKey: `aws.${AwsPriceKey}` | `pinpoint.${PinpointPriceKey}`;
  service: string;
  item: string;
  basis: CostBasis;
  /** In the price's unit (GB for logs), over the simulated period. */
  quantityCounted: number;
  /** In the price's unit, over a 30-day month; not rounded. */
  quantityPerMonth: number;
  /** Units a month that cost nothing (0 unless the price table says otherwise). */
  freePerMonth: number;
  /** `usd` per `per` units of `unit`, as in the price table. */
  unit: string;
  usd: number;
  per: number;
  /** Not rounded. */
  monthlyUsd: number;
}

export interface PinpointComparison {
  lines: CostLine[];
  monthlyUsd: number;
  /** From the price table: Pinpoint's engagement features reached end of support. */
  availability: string;
}

export interface CostEstimate {
  region: string;
  /** The day the prices were checked, from the price table. */
  pricesAsOf: string;
  currency: 'USD';
  daysSimulated: number;
  daysPerMonth: number;
  lines: CostLine[];
  /** Sum of the unrounded lines. */
  monthlyUsd: number;
  /** Volume over a 30-day month, as used for the figures below and for Pinpoint. */
  volumePerMonth: { storefrontEvents: number; journeyRuns: number; audience: number };
  /** The whole monthly bill (fixed items included) per 1,000,000 storefront events; null without events. */
  usdPerMillionStorefrontEvents: number | null;
  /** The whole monthly bill (fixed items included) per 1,000 journey runs; null without runs. */
  usdPerThousandJourneyRuns: number | null;
  pinpoint: PinpointComparison;
}

interface LineSpec {
  key: AwsPriceKey;
  service: string;
  item: string;
  basis: CostBasis;
  counted: number;
}

/**
 * Prices the counted operations at the table's list prices for a 30-day month.
 * Throws a RangeError for a period that is not positive or a count that is negative or not finite.
 */
export function estimateMonthlyCost(
  counts: OperationCounts,
  prices: PriceTable,
  volume: SimulationVolume,
): CostEstimate {
  if (!(Number.isFinite(counts.days) && counts.days > 0)) {
    throw new RangeError(`counts.days must be a positive number, got ${counts.days}`);
  }
  const toMonth = (quantity: number): number => (quantity * DAYS_PER_MONTH) / counts.days;

  const specs: LineSpec[] = [
    {
      key: 'httpApiRequests',
      service: 'API Gateway',
      item: 'HTTP API requests',
      basis: 'scaled',
      counted: counts.httpApiRequests,
    },
    {
      key: 'eventBridgeEvents',
      service: 'EventBridge',
      item: 'custom events (64 KB units)',
      basis: 'scaled',
      counted: counts.eventBridgeEvents,
    },
    {
      key: 'lambdaRequests',
      service: 'Lambda',
      item: 'requests',
      basis: 'scaled',
      counted: counts.lambda.invocations,
    },
    {
      key: 'lambdaDuration',
      service: 'Lambda',
      item: 'duration (GB-seconds)',
      basis: 'scaled',
      counted: counts.lambda.gbSeconds,
    },
    {
      key: 'stepFunctionsTransitions',
      service: 'Step Functions',
      item: 'state transitions',
      basis: 'scaled',
      counted: counts.stepFunctionsTransitions,
    },
    {
      key: 'dynamodbWriteRequestUnits',
      service: 'DynamoDB',
      item: 'write request units',
      basis: 'scaled',
      counted: counts.dynamodb.writeRequestUnits,
    },
    {
      key: 'dynamodbReadRequestUnits',
      service: 'DynamoDB',
      item: 'read request units',
      basis: 'scaled',
      counted: counts.dynamodb.readRequestUnits,
    },
    { key: 'sqsRequests', service: 'SQS', item: 'requests', basis: 'scaled', counted: counts.sqsRequests },
    { key: 'sesMails', service: 'SES', item: 'outbound mails', basis: 'scaled', counted: counts.sesMails },
    {
      key: 'schedulerInvocations',
      service: 'Scheduler',
      item: 'invocations',
      basis: 'scaled',
      counted: counts.schedulerInvocations,
    },
    {
      key: 'cloudwatchCustomMetrics',
      service: 'CloudWatch',
      item: 'custom metrics (metric-months)',
      basis: 'perMonth',
      counted: counts.cloudwatch.customMetrics,
    },
    {
      key: 'cloudwatchLogsIngestion',
      service: 'CloudWatch',
      item: 'logs ingested (GB)',
      basis: 'scaled',
      counted: counts.cloudwatch.logBytes / BYTES_PER_GB,
    },
    {
      key: 'cloudwatchDashboards',
      service: 'CloudWatch',
      item: 'dashboards',
      basis: 'perMonth',
      counted: counts.cloudwatch.dashboards,
    },
    {
      key: 'cloudwatchAlarms',
      service: 'CloudWatch',
      item: 'alarms',
      basis: 'perMonth',
      counted: counts.cloudwatch.alarms,
    },
  ];

  const lines = specs.map((spec) => {
    assertCount(spec.counted, spec.key);
    const perMonth = spec.basis === 'scaled' ? toMonth(spec.counted) : spec.counted;
    return costLine(
      `aws.${spec.key}`,
      spec.service,
      spec.item,
      spec.basis,
      spec.counted,
      perMonth,
      prices.aws[spec.key],
    );
  });
  const monthlyUsd = sum(lines.map((line) => line.monthlyUsd));

  assertCount(volume.storefrontEvents, 'volume.storefrontEvents');
  assertCount(volume.journeyRuns, 'volume.journeyRuns');
  assertCount(volume.audience, 'volume.audience');
  const scaledAudience = toMonth(volume.audience);
  const volumePerMonth = {
    storefrontEvents: toMonth(volume.storefrontEvents),
    journeyRuns: toMonth(volume.journeyRuns),
    audience: volume.customers === undefined ? scaledAudience : Math.min(scaledAudience, volume.customers),
  };

  return {
    region: prices.region,
    pricesAsOf: prices.asOf,
    currency: 'USD',
    daysSimulated: counts.days,
    daysPerMonth: DAYS_PER_MONTH,
    lines,
    monthlyUsd,
    volumePerMonth,
    usdPerMillionStorefrontEvents:
      volumePerMonth.storefrontEvents > 0 ? (monthlyUsd * 1_000_000) / volumePerMonth.storefrontEvents : null,
    usdPerThousandJourneyRuns:
      volumePerMonth.journeyRuns > 0 ? (monthlyUsd * 1_000) / volumePerMonth.journeyRuns : null,
    pinpoint: pinpointComparison(prices, volume, volumePerMonth, {
      counted: counts.sesMails,
      perMonth: toMonth(counts.sesMails),
    }),
  };
}

/**
 * Pinpoint would have been billed for the targeted audience, every storefront event sent to it as an
 * application event, and every mail; the storage, rules, queues and functions around it are not counted.
 */
function pinpointComparison(
  prices: PriceTable,
  volume: SimulationVolume,
  volumePerMonth: CostEstimate['volumePerMonth'],
  mails: { counted: number; perMonth: number },
): PinpointComparison {
  const lines = [
    costLine(
      'pinpoint.targetedEndpoints',
      'Pinpoint',
      'monthly targeted audience',
      'scaled',
      volume.audience,
      volumePerMonth.audience,
      prices.pinpoint.targetedEndpoints,
    ),
    costLine(
      'pinpoint.events',
      'Pinpoint',
      'application events',
      'scaled',
      volume.storefrontEvents,
      volumePerMonth.storefrontEvents,
      prices.pinpoint.events,
    ),
    costLine(
      'pinpoint.emails',
      'Pinpoint',
      'emails',
      'scaled',
      mails.counted,
      mails.perMonth,
      prices.pinpoint.emails,
    ),
  ];
  return {
    lines,
    monthlyUsd: sum(lines.map((line) => line.monthlyUsd)),
    availability: prices.pinpoint.availability,
  };
}

function costLine(
  priceKey: CostLine['priceKey'],
  service: string,
  item: string,
  basis: CostBasis,
  quantityCounted: number,
  quantityPerMonth: number,
  price: Price,
): CostLine {
  const freePerMonth = price.freePerMonth ?? 0;
  const billable = Math.max(0, quantityPerMonth - freePerMonth);
  return {
    priceKey,
    service,
    item,
    basis,
    quantityCounted,
    quantityPerMonth,
    freePerMonth,
    unit: price.unit,
    usd: price.usd,
    per: price.per,
    monthlyUsd: (billable * price.usd) / price.per,
  };
}

function assertCount(value: number, name: string): void {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new RangeError(`${name} must be a finite, non-negative number, got ${value}`);
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
