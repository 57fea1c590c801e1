/**
 * What `journeys simulate` reports, and its terminal form. The report is plain JSON data (numbers,
 * decimal strings, ISO dates as strings, null; no bigint, Date or undefined), so `--json` is
 * `JSON.stringify(report, null, 2)` and reads back equal.
 */

import { fromMinorUnits, minorDigits, toMinorUnits } from '#events/money.ts';
import type { Money } from '#events/schemas.ts';
import type { CostEstimate, CostLine } from './cost-estimate.ts';
import type { OperationCounts } from './operation-counts.ts';

export interface SimulationOptions {
  customers: number;
  days: number;
  seed: number;
  /** First simulated day, YYYY-MM-DD. */
  startDate: string;
}

/** What the generator sent, to check the pipeline against. */
export interface GroundTruth {
  storefrontEvents: number;
  orders: number;
  revenue: Money;
}

/** Holdout comparison for one journey; rates are fractions (0.25 is 25 %). */
export interface JourneyLift {
  treatedConversionRate: number;
  heldOutConversionRate: number;
  treatedRevenuePerEntrant: Money;
  heldOutRevenuePerEntrant: Money;
}

export interface JourneyRow {
  journey: string;
  /** Every entry, held out or not. */
  entered: number;
  /** Of `entered`, the entries put in the holdout group (they get no mail). */
  enteredHeldOut: number;
  sent: number;
  deferred: number;
  skipped: number;
  exited: number;
  converted: number;
  attributedRevenue: Money;
  /** null when the journey has no holdout group configured. */
  lift: JourneyLift | null;
  /** `deferred`, `skipped` and `exited` by `<step>: <reason>` (in the JSON report; the table shows totals). */
  reasons?: Record<'deferred' | 'skipped' | 'exited', Record<string, number>>;
}

/** Mail outcomes; rates are fractions of `sent` (0 when nothing was sent), as SES computes them. */
export interface Deliverability {
  sent: number;
  delivered: number;
  opened: number;
  clicked: number;
  bounced: number;
  complained: number;
  unsubscribed: number;
  bounceRate: number;
  complaintRate: number;
}

/** This machine's figures for the run: they vary from run to run, unlike the rest of the report. */
export interface WallClock {
  seconds: number;
  peakRssMb: number;
  /** Mean local duration of a function invocation (the estimate assumes a fixed one). */
  lambdaMeanMs: number;
}

export interface SimulationReport {
  options: SimulationOptions;
  groundTruth: GroundTruth;
  journeys: JourneyRow[];
  deliverability: Deliverability;
  /** As the runtime counted them over the simulated period. */
  operations: OperationCounts;
  cost: CostEstimate;
  wallClock: WallClock;
}

/** Our alarm lines (infra/dashboard), below the rates at which SES puts an account under review. */
export const BOUNCE_ALARM_RATE = 0.04;
export const COMPLAINT_ALARM_RATE = 0.0008;
export const SES_BOUNCE_REVIEW_RATE = 0.05;
export const SES_COMPLAINT_REVIEW_RATE = 0.001;
export const WARNING_MARK = '[!]';

/** One holdout group's figures over a journey's entries. */
export interface GroupOutcome {
  entrants: number;
  conversions: number;
  revenue: Money;
}

/** Conversion rates and revenue per entrant (rounded half away from zero to the currency's minor unit). */
export function journeyLift(treated: GroupOutcome, heldOut: GroupOutcome): JourneyLift {
  return {
    treatedConversionRate: rate(treated.conversions, treated.entrants),
    heldOutConversionRate: rate(heldOut.conversions, heldOut.entrants),
    treatedRevenuePerEntrant: revenuePerEntrant(treated.revenue, treated.entrants),
    heldOutRevenuePerEntrant: revenuePerEntrant(heldOut.revenue, heldOut.entrants),
  };
}

/** `part / whole`, 0 when `whole` is 0, so the report never holds NaN (which JSON turns into null). */
export function rate(part: number, whole: number): number {
  return whole > 0 ? part / whole : 0;
}

/** Exact division in minor units; 0 when there are no entrants. */
export function revenuePerEntrant(revenue: Money, entrants: number): Money {
  if (!(Number.isInteger(entrants) && entrants >= 0)) {
    throw new RangeError(`entrants must be a non-negative integer, got ${entrants}`);
  }
  if (entrants === 0) return { amount: fromMinorUnits(0n, revenue.currency), currency: revenue.currency };
  const total = toMinorUnits(revenue.amount, revenue.currency);
  const count = BigInt(entrants);
  const magnitude = total < 0n ? -total : total;
  const rounded = (magnitude * 2n + count) / (count * 2n);
  return {
    amount: fromMinorUnits(total < 0n ? -rounded : rounded, revenue.currency),
    currency: revenue.currency,
  };
}

/** The report as aligned plain text (ASCII apart from journey names, no colour codes). */
export function renderReport(report: SimulationReport): string {
  return [
    ...renderHeader(report),
    '',
    ...renderGroundTruth(report.groundTruth),
    '',
    ...renderJourneys(report.journeys),
    '',
    ...renderLift(report.journeys),
    '',
    ...renderDeliverability(report.deliverability),
    '',
    ...renderCost(report.cost),
    '',
    ...renderPinpoint(report.cost),
  ].join('\n');
}

function renderHeader({ options, wallClock }: SimulationReport): string[] {
  return [
    `Simulation: ${formatCount(options.customers)} customers over ${formatCount(options.days)} days from ${options.startDate}, seed ${options.seed}`,
    `Run: ${wallClock.seconds.toFixed(1)} s wall clock, peak RSS ${Math.round(wallClock.peakRssMb)} MB, ` +
      `functions ${Math.round(wallClock.lambdaMeanMs)} ms per invocation locally`,
  ];
}

function renderGroundTruth(truth: GroundTruth): string[] {
  return [
    'Ground truth (from the generator)',
    ...table(
      [left(), right()],
      [
        ['storefront events sent', formatCount(truth.storefrontEvents)],
        ['orders', formatCount(truth.orders)],
        ['revenue', formatMoney(truth.revenue)],
      ],
    ),
  ];
}

function renderJourneys(journeys: readonly JourneyRow[]): string[] {
  if (journeys.length === 0) return ['Journeys', '  (no journey was entered)'];
  return [
    'Journeys',
    ...table(
      [
        left('journey'),
        right('entered'),
        right('held out'),
        right('sent'),
        right('deferred'),
        right('skipped'),
        right('exited'),
        right('converted'),
        right('attributed revenue'),
      ],
      journeys.map((row) => [
        row.journey,
        formatCount(row.entered),
        formatCount(row.enteredHeldOut),
        formatCount(row.sent),
        formatCount(row.deferred),
        formatCount(row.skipped),
        formatCount(row.exited),
        formatCount(row.converted),
        formatMoney(row.attributedRevenue),
      ]),
    ),
  ];
}

function renderLift(journeys: readonly JourneyRow[]): string[] {
  if (journeys.length === 0) return ['Holdout lift', '  (no journey was entered)'];
  return [
    'Holdout lift (conversion within the attribution window; revenue per entrant)',
    ...table(
      [
        left('journey'),
        right('treated'),
        right('held out'),
        right('difference'),
        right('treated rev./entrant'),
        right('held-out rev./entrant'),
      ],
      journeys.map(({ journey, lift }) =>
        lift === null
          ? [journey, 'no holdout', '', '', '', '']
          : [
              journey,
              formatPercent(lift.treatedConversionRate),
              formatPercent(lift.heldOutConversionRate),
              formatPoints(lift.treatedConversionRate - lift.heldOutConversionRate),
              formatMoney(lift.treatedRevenuePerEntrant),
              formatMoney(lift.heldOutRevenuePerEntrant),
            ],
      ),
    ),
  ];
}

function renderDeliverability(figures: Deliverability): string[] {
  return [
    'Deliverability',
    ...table(
      [left(), right(), right(), left()],
      [
        ['sent', formatCount(figures.sent), '', ''],
        ['delivered', formatCount(figures.delivered), '', ''],
        ['opened', formatCount(figures.opened), '', ''],
        ['clicked', formatCount(figures.clicked), '', ''],
        [
          'bounced',
          formatCount(figures.bounced),
          `${formatPercent(figures.bounceRate)} of sent`,
          rateWarning(figures.bounceRate, BOUNCE_ALARM_RATE, SES_BOUNCE_REVIEW_RATE),
        ],
        [
          'complained',
          formatCount(figures.complained),
          `${formatPercent(figures.complaintRate)} of sent`,
          rateWarning(figures.complaintRate, COMPLAINT_ALARM_RATE, SES_COMPLAINT_REVIEW_RATE),
        ],
        ['unsubscribed', formatCount(figures.unsubscribed), '', ''],
      ],
    ),
  ];
}

function rateWarning(value: number, alarm: number, review: number): string {
  if (value >= review) return `${WARNING_MARK} at or above SES's ${formatPercent(review)} review line`;
  if (value >= alarm) {
    return `${WARNING_MARK} at or above the ${formatPercent(alarm)} alarm line (SES reviews at ${formatPercent(review)})`;
  }
  return '';
}

function renderCost(cost: CostEstimate): string[] {
  const days = formatCount(cost.daysSimulated);
  const figures = [
    cost.usdPerMillionStorefrontEvents === null
      ? undefined
      : `${formatUsd(cost.usdPerMillionStorefrontEvents)} per 1M storefront events`,
    cost.usdPerThousandJourneyRuns === null
      ? undefined
      : `${formatUsd(cost.usdPerThousandJourneyRuns)} per 1,000 journey runs`,
  ].filter((figure) => figure !== undefined);
  return [
    `Estimated AWS bill for a ${cost.daysPerMonth}-day month (${cost.region} list prices checked ${cost.pricesAsOf}; free tiers not subtracted)`,
    ...table(
      [
        left('service'),
        left('item'),
        right(`counted (${days} d)`),
        right('per month'),
        left('unit price'),
        right('USD'),
      ],
      [
        ...cost.lines.map((line) => [
          line.service,
          line.item,
          formatCount(line.quantityCounted),
          formatCount(line.quantityPerMonth),
          formatUnitPrice(line),
          formatUsd(line.monthlyUsd),
        ]),
        ['total', '', '', '', '', formatUsd(cost.monthlyUsd)],
      ],
    ),
    ...(figures.length > 0 ? [`  = ${figures.join(', ')} (the whole bill divided by each volume)`] : []),
    cost.daysSimulated === cost.daysPerMonth
      ? '  Custom metrics, dashboards and alarms are monthly as counted; the rest was counted over a month.'
      : `  Custom metrics, dashboards and alarms are monthly as counted; the rest is scaled from ${days} days to ${cost.daysPerMonth}.`,
  ];
}

function renderPinpoint(cost: CostEstimate): string[] {
  const { pinpoint } = cost;
  return [
    'Amazon Pinpoint, for comparison (the same audience, events and mails; its own charges only)',
    ...table(
      [left('item'), right('per month'), right('free'), left('unit price'), right('USD')],
      [
        ...pinpoint.lines.map((line) => [
          line.item,
          formatCount(line.quantityPerMonth),
          formatCount(line.freePerMonth),
          formatUnitPrice(line),
          formatUsd(line.monthlyUsd),
        ]),
        ['total', '', '', '', formatUsd(pinpoint.monthlyUsd)],
      ],
    ),
    ...wrap(pinpoint.availability, 100).map((line) => `  ${line}`),
  ];
}

interface Column {
  header: string;
  align: 'left' | 'right';
}

function left(header = ''): Column {
  return { header, align: 'left' };
}

function right(header = ''): Column {
  return { header, align: 'right' };
}

/** Columns padded to their widest cell (in code points), two spaces apart, trailing blanks trimmed. */
function table(columns: readonly Column[], rows: readonly (readonly string[])[], indent = '  '): string[] {
  const withHeader = columns.some((column) => column.header !== '')
    ? [columns.map((column) => column.header), ...rows]
    : rows;
  const widths = columns.map((_, index) => Math.max(...withHeader.map((row) => width(row[index] ?? ''))));
  return withHeader.map((row) => {
    const cells = columns.map((column, index) => {
      const cell = row[index] ?? '';
      const padding = ' '.repeat((widths[index] ?? 0) - width(cell));
      return column.align === 'left' ? cell + padding : padding + cell;
    });
    return (indent + cells.join('  ')).trimEnd();
  });
}

function width(text: string): number {
  return [...text].length;
}

function wrap(text: string, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((part) => part !== '')) {
    if (line !== '' && width(line) + 1 + width(word) > maxWidth) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const twoDecimals = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Whole numbers grouped; fractional quantities (scaled counts, GB) to 2 decimals below 100. */
export function formatCount(value: number): string {
  if (Number.isInteger(value) || Math.abs(value) >= 100) return grouped.format(value);
  return twoDecimals.format(value);
}

/** `$1,234.57`; a non-zero amount below a cent keeps two significant digits, e.g. `$0.0042`. */
export function formatUsd(value: number): string {
  const sign = value < 0 ? '-' : '';
  const magnitude = Math.abs(value);
  if (magnitude === 0 || magnitude >= 0.01) return `${sign}$${twoDecimals.format(magnitude)}`;
  const decimals = Math.min(12, 1 - Math.floor(Math.log10(magnitude)));
  return `${sign}$${trimZeros(magnitude.toFixed(decimals))}`;
}

/** `12.3%`; below 1 % two decimals (`0.08%`), as the complaint line needs. */
export function formatPercent(fraction: number): string {
  const percent = fraction * 100;
  const decimals = percent !== 0 && Math.abs(percent) < 1 ? 2 : 1;
  return `${percent.toFixed(decimals)}%`;
}

function formatPoints(fraction: number): string {
  const points = fraction * 100;
  const decimals = points !== 0 && Math.abs(points) < 1 ? 2 : 1;
  return `${points >= 0 ? '+' : ''}${points.toFixed(decimals)} pts`;
}

/** The decimal string grouped, never through a float: `12,345.60 USD`. */
export function formatMoney(money: Money): string {
  const negative = money.amount.startsWith('-');
  const [whole = '0', fraction] = money.amount.replace('-', '').split('.');
  const digits = minorDigits(money.currency);
  const paddedFraction = (fraction ?? '').padEnd(digits, '0');
  const groupedWhole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const amount = paddedFraction === '' ? groupedWhole : `${groupedWhole}.${paddedFraction}`;
  return `${negative ? '-' : ''}${amount} ${money.currency}`;
}

/** `$1.00 / 1M requests`, `$0.0000133334 / GB-second`: the table's price as written. */
export function formatUnitPrice(line: Pick<CostLine, 'usd' | 'per' | 'unit'>): string {
  const usd = `$${trimZeros(line.usd.toFixed(12))}`;
  if (line.per === 1) return `${usd} / ${line.unit}`;
  const per =
    line.per % 1_000_000 === 0 ? `${grouped.format(line.per / 1_000_000)}M` : grouped.format(line.per);
  return `${usd} / ${per} ${line.unit}s`;
}

/** Drops trailing zeros but keeps two decimals. */
function trimZeros(fixed: string): string {
  const [whole, fraction = ''] = fixed.split('.');
  const kept = fraction.replace(/0+$/, '').padEnd(2, '0');
  return `${whole}.${kept}`;
}
