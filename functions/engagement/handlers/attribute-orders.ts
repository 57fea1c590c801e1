import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { toMinorUnits } from '#events/money.ts';
import { DynamoDbFlowCounter } from '#journeys/adapters/dynamodb-flow-counter.ts';
import { experimentTallyOf } from '#journeys/step/experiment-judge.ts';
import { erasureLog } from '#privacy/erasure-log.ts';
import { DynamoDbProfileStore } from '#profiles/adapters/dynamodb-profile-store.ts';
import { erasedSince } from '#profiles/domain/erasure.ts';
import { documentClient } from '#shared/aws-clients.ts';
import { readConfig } from '#shared/config.ts';
import { observability } from '#shared/middlewares/observability.ts';
import { logger } from '#shared/powertools.ts';
import { DynamoDbEngagementStore } from '../adapters/dynamodb-engagement-store.ts';
import { adjustAttribution } from '../domain/adjust-attribution.ts';
import { type AttributeOrderResult, attributeOrder } from '../domain/attribute-order.ts';
import { DEFAULT_ATTRIBUTION_WINDOWS } from '../domain/attribution-rules.ts';
import { publishAttributionAdjustment, publishAttributionMetrics } from '../metrics.ts';
import { parseOrderMessage } from '../schemas.ts';

const seconds = (defaultMs: number) =>
  z.coerce
    .number()
    .positive()
    .default(defaultMs / 1000);
const config = readConfig(
  z.object({
    MESSAGES_TABLE_NAME: z.string().min(1),
    PROFILES_TABLE_NAME: z.string().min(1),
    /** Each store's signing key hashes the identities its erasures left. */
    STORES_TABLE_NAME: z.string().min(1),
    ATTRIBUTION_CLICK_WINDOW_SECONDS: seconds(DEFAULT_ATTRIBUTION_WINDOWS.clickMs),
    ATTRIBUTION_OPEN_WINDOW_SECONDS: seconds(DEFAULT_ATTRIBUTION_WINDOWS.openMs),
    CONVERSION_WINDOW_SECONDS: seconds(DEFAULT_ATTRIBUTION_WINDOWS.conversionMs),
  }),
);
const documents = documentClient();
const dependencies = {
  profiles: new DynamoDbProfileStore(documents, config.PROFILES_TABLE_NAME),
  store: new DynamoDbEngagementStore(documents, config.MESSAGES_TABLE_NAME),
};
const erasures = erasureLog(documents, {
  profilesTable: config.PROFILES_TABLE_NAME,
  storesTable: config.STORES_TABLE_NAME,
});
const windows = {
  clickMs: config.ATTRIBUTION_CLICK_WINDOW_SECONDS * 1000,
  openMs: config.ATTRIBUTION_OPEN_WINDOW_SECONDS * 1000,
  conversionMs: config.CONVERSION_WINDOW_SECONDS * 1000,
};
/** Orders credited to experiment mails count towards their variant's results (the flow counters). */
const flow = new DynamoDbFlowCounter(documents, config.MESSAGES_TABLE_NAME);
const processor = new BatchProcessor(EventType.SQS);

async function attributeMessage(record: SQSRecord): Promise<void> {
  const parsed = parseOrderMessage(record.body);
  if (parsed.kind === 'ignored') {
    logger.info('canonical event of another type ignored', { eventType: parsed.eventType });
    return;
  }
  if (await erasedSince(erasures, parsed.event)) {
    // A replayed order (or reversal) of someone erased since: credited to nothing, no record kept.
    logger.info('order event of an erased customer ignored', { eventType: parsed.event.type });
    return;
  }
  if (parsed.kind === 'reversal') {
    const adjusted = await adjustAttribution(dependencies, parsed.event);
    publishAttributionAdjustment(adjusted);
    logger.info('order reversal applied to its attribution', {
      orderId: parsed.event.data.orderId,
      eventType: parsed.event.type,
      outcome: adjusted.outcome,
      journey: adjusted.attribution?.journey,
    });
    return;
  }
  if (parsed.event.data.cancelledAt !== undefined) {
    // Cancelled or voided before it reached us: no revenue to credit to anyone.
    logger.info('cancelled order not attributed', { orderId: parsed.event.data.orderId });
    return;
  }
  const result = await attributeOrder(dependencies, parsed.event, windows);
  publishAttributionMetrics(result);
  await countForExperiment(parsed.event.storeId, result);
  logger.info('order attributed', {
    orderId: parsed.event.data.orderId,
    outcome: result.outcome,
    journey: 'journey' in result.attribution ? result.attribution.journey : undefined,
    conversions: result.conversions.map(({ journey, group }) => ({ journey, group })),
  });
}

/** An order credited to an experiment mail counts as its variant's conversion, with its revenue. */
async function countForExperiment(storeId: string, result: AttributeOrderResult): Promise<void> {
  const { attribution } = result;
  if (result.outcome !== 'recorded' || 'unattributed' in attribution) return;
  const { currency, amount } = attribution.revenue;
  const tally = experimentTallyOf(attribution, {
    order: { currency, minorUnits: Number(toMinorUnits(amount, currency)) },
  });
  if (tally !== undefined)
    await flow.add(storeId, attribution.journey, new Date(attribution.at), tally, attribution.orderId);
}

/**
 * Each message is one order event from the storefront bus: `order.placed` is attributed, refunds and
 * cancellations reduce what was attributed. Failures are reported per message.
 */
export const lambdaHandler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  return processPartialResponse(event, attributeMessage, processor, { context });
};

export const handler = middy(lambdaHandler).use(observability());
