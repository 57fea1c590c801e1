import { fromMinorUnits } from '#events/money.ts';
import { journeyIds, journeyOf } from '#infra/journeys/catalog.ts';
import { estimateMonthlyCost } from './cost-estimate.ts';
import type { LogFigures } from './log-figures.ts';
import type { PriceTable } from './price-table.ts';
import { type JourneyRow, journeyLift, rate, type SimulationReport } from './report.ts';
import type { SimulationRun } from './run-simulation.ts';

/** The simulated store sells in one currency; metrics carry it as a dimension. */
const CURRENCY = 'USD';

/** Turns what a run counted into the report: journeys and deliverability from the metrics, the bill from the counts. */
export function buildReport(run: SimulationRun, prices: PriceTable): SimulationReport {
  const { figures } = run;
  const truth = run.shoppers.groundTruth();
  const deliverability = {
    sent: figures.total('emailSent'),
    delivered: figures.total('emailDelivered'),
    opened: figures.total('emailOpened'),
    clicked: figures.total('emailClicked'),
    bounced: figures.total('emailBounced'),
    complained: figures.total('emailComplained'),
    unsubscribed: figures.total('emailUnsubscribed'),
  };
  return {
    options: {
      customers: run.options.customers,
      days: run.options.days,
      seed: run.options.seed,
      startDate: run.options.start.slice(0, 10),
    },
    groundTruth: {
      storefrontEvents: truth.events,
      orders: truth.orders.counted,
      revenue: { amount: truth.revenue.counted, currency: truth.revenue.currency },
    },
    journeys: journeyIds().map((journey) => journeyRow(figures, journey)),
    deliverability: {
      ...deliverability,
      bounceRate: rate(deliverability.bounced, deliverability.sent),
      complaintRate: rate(deliverability.complained, deliverability.sent),
    },
    operations: run.counts,
    cost: estimateMonthlyCost(run.counts, prices, {
      storefrontEvents: run.events.accepted,
      journeyRuns: run.journeyRuns,
      audience: run.audience,
      customers: run.options.customers,
    }),
    wallClock: run.wall,
  };
}

function journeyRow(figures: LogFigures, journey: string): JourneyRow {
  const money = (cents: number) => ({ amount: fromMinorUnits(BigInt(cents), CURRENCY), currency: CURRENCY });
  const group = (name: 'treated' | 'heldout') => ({
    entrants: figures.total('journeyEntered', journey, name),
    conversions: figures.total('journeyConverted', journey, name),
    revenue: money(figures.total('conversionRevenue', journey, name)),
  });
  const heldOut = group('heldout');
  return {
    journey,
    entered: figures.total('journeyEntered', journey),
    enteredHeldOut: heldOut.entrants,
    sent: figures.total('emailSent', journey),
    deferred: figures.total('emailDeferred', journey),
    skipped: figures.total('emailSkipped', journey),
    exited: figures.total('journeyExited', journey),
    converted: figures.total('journeyConverted', journey),
    attributedRevenue: money(figures.total('attributedRevenue', journey)),
    lift: journeyOf(journey).holdoutPercent > 0 ? journeyLift(group('treated'), heldOut) : null,
    reasons: {
      deferred: figures.byReason('emailDeferred', journey),
      skipped: figures.byReason('emailSkipped', journey),
      exited: figures.byReason('journeyExited', journey),
    },
  };
}
