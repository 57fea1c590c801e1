import {
  BatchProcessor,
  EventType,
  FullBatchFailureError,
  processPartialResponse,
} from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { erasureLog } from '#privacy/erasure-log.ts';
import { documentClient } from '#shared/aws-clients.ts';
import { readConfig } from '#shared/config.ts';
import { observability } from '#shared/middlewares/observability.ts';
import { logger, metrics, tracer } from '#shared/powertools.ts';
import { DynamoDbProfileStore } from '../adapters/dynamodb-profile-store.ts';
import { SqsSourceQueue } from '../adapters/sqs-source-queue.ts';
import { recordEvent } from '../domain/record-event.ts';
import { InvalidBusMessageError } from '../errors.ts';
import { type ParsedBusMessage, parseBusMessage } from '../schemas.ts';

const config = readConfig(
  z.object({
    PROFILES_TABLE_NAME: z.string().min(1),
    /** Each store's signing key hashes the identities its erasures left, to drop events from before them. */
    STORES_TABLE_NAME: z.string().min(1),
    /** The profile-events queue, which the event source mapping reads. */
    SOURCE_QUEUE_URL: z.url(),
    DORMANCY_DAYS: z.coerce.number().int().positive().default(90),
  }),
);
const store = new DynamoDbProfileStore(documentClient(), config.PROFILES_TABLE_NAME, config.DORMANCY_DAYS);
const sourceQueue = new SqsSourceQueue(tracer.captureAWSv3Client(new SQSClient({})), config.SOURCE_QUEUE_URL);
const erasures = erasureLog(documentClient(), {
  profilesTable: config.PROFILES_TABLE_NAME,
  storesTable: config.STORES_TABLE_NAME,
});
const processor = new BatchProcessor(EventType.SQS);

const OUTCOME_METRICS = {
  applied: 'profileUpdated',
  duplicate: 'duplicateEventSkipped',
  erased: 'erasedCustomerEventDropped',
} as const;

async function recordMessage(record: SQSRecord): Promise<void> {
  const parsed = parseBusMessage(record.body);
  if (!parsed.valid) {
    await setAside(record, parsed);
    // Reported as a batch item failure, so SQS counts the receive and dead-letters it after maxReceiveCount.
    throw new InvalidBusMessageError('queue message is not a canonical event');
  }
  const { event } = parsed;
  const result = await recordEvent(store, event, erasures);
  metrics.addMetric(OUTCOME_METRICS[result.outcome], MetricUnit.Count, 1);
  if (result.merged.length > 0) metrics.addMetric('identitiesMerged', MetricUnit.Count, result.merged.length);
  logger.debug('event recorded', { eventType: event.type, outcome: result.outcome });
}

/**
 * A message no retry can fix: said once, on its first receive (what is wrong and where, never the
 * values), then handed back at once, so its remaining receives take seconds rather than visibility
 * timeouts and SQS moves it to the dead-letter queue after maxReceiveCount, as it does any failure.
 */
async function setAside(
  record: SQSRecord,
  invalid: Extract<ParsedBusMessage, { valid: false }>,
): Promise<void> {
  if (record.attributes.ApproximateReceiveCount === '1') {
    metrics.addMetric('invalidEventReceived', MetricUnit.Count, 1);
    logger.error('queue message is not a canonical event; it goes to the dead-letter queue', {
      messageId: record.messageId,
      ...invalid.reference,
      issues: invalid.issues,
    });
  }
  try {
    await sourceQueue.releaseNow(record.receiptHandle);
  } catch (error) {
    // It still reaches the dead-letter queue, only a visibility timeout per receive later.
    logger.warn('queue message could not be handed back early', {
      messageId: record.messageId,
      errorName: error instanceof Error ? error.name : typeof error,
    });
  }
}

/**
 * Each message is one EventBridge event; failures are reported per message so only those are retried.
 * A batch that failed whole still fails the invocation when any failure may pass on a retry (a DynamoDB
 * outage: Lambda's errors metric and its back-off see it, as before); one that holds only invalid
 * messages answers with its batch item failures, since failing it would add nothing but an error.
 */
export const lambdaHandler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const response = await processPartialResponse(event, recordMessage, processor, {
    context,
    throwOnFullBatchFailure: false,
  });
  const { errors } = processor;
  if (
    errors.length > 0 &&
    errors.length === event.Records.length &&
    errors.some((error) => !(error instanceof InvalidBusMessageError))
  ) {
    throw new FullBatchFailureError(errors);
  }
  return response;
};

export const handler = middy(lambdaHandler).use(observability());
