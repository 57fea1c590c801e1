import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { DynamoDbFlowCounter } from '#journeys/adapters/dynamodb-flow-counter.ts';
import { experimentTallyOf } from '#journeys/step/experiment-judge.ts';
import { erasureLog } from '#privacy/erasure-log.ts';
import { documentClient } from '#shared/aws-clients.ts';
import { systemClock } from '#shared/clock.ts';
import { readConfig } from '#shared/config.ts';
import { observability } from '#shared/middlewares/observability.ts';
import { logger } from '#shared/powertools.ts';
import { DynamoDbEngagementStore } from '../adapters/dynamodb-engagement-store.ts';
import { recordEngagement } from '../domain/record-engagement.ts';
import { DEFAULT_SOFT_BOUNCE_LIMIT, SOFT_BOUNCE_LIMIT_MAX } from '../domain/suppression-rules.ts';
import { MessageNotIndexedYetError } from '../errors.ts';
import { publishEngagementMetrics } from '../metrics.ts';
import { parseSesMessage } from '../schemas.ts';

const config = readConfig(
  z.object({
    MESSAGES_TABLE_NAME: z.string().min(1),
    /** Erasure tombstones (Profiles table), hashed with each store's signing key (Stores table). */
    PROFILES_TABLE_NAME: z.string().min(1),
    STORES_TABLE_NAME: z.string().min(1),
    SOFT_BOUNCE_LIMIT: z.coerce
      .number()
      .int()
      .min(1)
      .max(SOFT_BOUNCE_LIMIT_MAX)
      .default(DEFAULT_SOFT_BOUNCE_LIMIT),
  }),
);
const documents = documentClient();
const store = new DynamoDbEngagementStore(documents, config.MESSAGES_TABLE_NAME);
/** Opens and clicks of experiment mails count towards their variant's results (the flow counters). */
const flow = new DynamoDbFlowCounter(documents, config.MESSAGES_TABLE_NAME);
const erasures = erasureLog(documents, {
  profilesTable: config.PROFILES_TABLE_NAME,
  storesTable: config.STORES_TABLE_NAME,
});
const processor = new BatchProcessor(EventType.SQS);

async function recordMessage(record: SQSRecord): Promise<void> {
  const parsed = parseSesMessage(record.body);
  if (parsed.kind === 'ignored') {
    logger.info('SES event of another kind ignored', { detailType: parsed.detailType });
    return;
  }
  const { event } = parsed;
  const result = await recordEngagement(store, event, systemClock.now(), {
    softBounceLimit: config.SOFT_BOUNCE_LIMIT,
    erasures,
  });
  if (result.outcome === 'not-indexed-yet') {
    // Failing the record returns it to the queue; it is read again after the visibility timeout.
    throw new MessageNotIndexedYetError(`message ${event.messageId} is not indexed yet`);
  }
  if (result.outcome === 'unknown-message') {
    // Untagged: mail sent by something else through this account's SES (another app, the console).
    // Tagged without a slot: a journey mail of an older send path whose sender stopped between SES
    // accepting it and indexing it (a mail naming its slot is recorded from its tags instead).
    const details = { messageId: event.messageId, kind: event.kind };
    if (event.journeyTagged)
      logger.warn('SES event for a journey mail that was never indexed ignored', details);
    else logger.info('SES event for an unknown message ignored', details);
    return;
  }
  if (result.recordedFromTags === true) {
    // Its sender stopped (or failed to write) after SES accepted the mail; now its step's retry
    // finds the slot sent instead of sending the mail a second time.
    logger.warn('journey mail recorded sent from its SES tags', {
      messageId: event.messageId,
      kind: event.kind,
      journey: result.message.journey,
      step: result.message.step,
    });
  }
  publishEngagementMetrics(result);
  const tally = experimentTallyOf(result.message, {
    opened: result.firsts.includes('open'),
    clicked: result.firsts.includes('click'),
  });
  if (tally !== undefined)
    await flow.add(result.message.storeId, result.message.journey, systemClock.now(), tally, event.messageId);
  logger.debug('SES event recorded', {
    messageId: event.messageId,
    kind: event.kind,
    outcome: result.outcome,
    journey: result.message.journey,
    suppressed: result.suppressed,
  });
}

/** Each message is one SES event from the default bus; failures are reported per message so only those are retried. */
export const lambdaHandler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  return processPartialResponse(event, recordMessage, processor, { context });
};

export const handler = middy(lambdaHandler).use(observability());
