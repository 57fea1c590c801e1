import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics } from '#shared/powertools.ts';
import type { AdjustAttributionResult } from './domain/adjust-attribution.ts';
import type { AttributeOrderResult } from './domain/attribute-order.ts';
import type { ConversionRecord } from './domain/attribution-rules.ts';
import type { EngagementKind } from './domain/engagement-event.ts';
import type { RecordEngagementResult } from './domain/record-engagement.ts';

const ENGAGEMENT_SERVICE = 'engagement';

/** Counted the first time a mail shows the kind, so each is once per mail however often SES reports it. */
const FIRST_OF_KIND: Partial<Record<EngagementKind, string>> = {
  delivery: 'emailDelivered',
  open: 'emailOpened',
  click: 'emailClicked',
  bounce: 'emailBounced',
  complaint: 'emailComplained',
};

/**
 * One batch mixes mails of different journeys, and Powertools' dimensions apply to everything it
 * buffers: every metric here goes out on its own with its own dimensions.
 */
function publish(
  name: string,
  dimensions: Record<string, string>,
  value = 1,
  unit: (typeof MetricUnit)[keyof typeof MetricUnit] = MetricUnit.Count,
  service?: string,
): void {
  const single =
    service === undefined
      ? metrics.singleMetric()
      : new Metrics({ serviceName: service, singleMetric: true });
  single.addDimensions(dimensions);
  single.addMetric(name, unit, value);
}

/** Dimensions come from the sent-message item only: tags on the event are not trusted to be bounded. */
export function publishEngagementMetrics(result: RecordEngagementResult): void {
  if (result.outcome === 'unknown-message' || result.outcome === 'not-indexed-yet') return;
  const { journey, step, variant } = result.message;
  const dimensions = { journey, step, variant };
  for (const kind of result.firsts) {
    const name = FIRST_OF_KIND[kind];
    if (name !== undefined) publish(name, dimensions);
  }
  for (const _reason of result.suppressed) publish('emailSuppressed', dimensions);
}

export function publishAttributionMetrics(result: AttributeOrderResult): void {
  const { attribution } = result;
  if (result.outcome === 'recorded' && !('unattributed' in attribution)) {
    const { journey, step, variant } = attribution;
    publish('attributedOrders', { journey, step, variant });
    publish(
      'attributedRevenue',
      { journey, step, variant, currency: attribution.revenue.currency },
      Number(attribution.revenue.amount),
      MetricUnit.NoUnit,
    );
  }
  publishConversionMetrics(result.conversions);
}

/**
 * Conversions are counted by whichever side recorded them: attribution, or journey entry when the
 * entry was stored after its order was attributed. Either way they are the engagement service's
 * metric, which is where the dashboard reads them.
 */
export function publishConversionMetrics(conversions: readonly ConversionRecord[]): void {
  for (const conversion of conversions) {
    const { journey, group } = conversion;
    publish('journeyConverted', { journey, group }, 1, MetricUnit.Count, ENGAGEMENT_SERVICE);
    // Sums across currencies mean nothing, so revenue is split by currency as well.
    publish(
      'conversionRevenue',
      { journey, group, currency: conversion.revenue.currency },
      Number(conversion.revenue.amount),
      MetricUnit.NoUnit,
      ENGAGEMENT_SERVICE,
    );
  }
}

/** A refund or cancellation takes revenue back from the journey the order was credited to. */
export function publishAttributionAdjustment(result: AdjustAttributionResult): void {
  if (result.outcome !== 'reduced' || result.attribution === undefined || result.reduction === undefined)
    return;
  const { journey, step, variant } = result.attribution;
  publish(
    'attributedRevenue',
    { journey, step, variant, currency: result.reduction.currency },
    -Number(result.reduction.amount),
    MetricUnit.NoUnit,
  );
}
