import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { documentClient } from '#shared/aws-clients.ts';
import { readConfig } from '#shared/config.ts';
import { logger, metrics, tracer } from '#shared/powertools.ts';
import { DynamoDbProfileStore } from '../adapters/dynamodb-profile-store.ts';
import { recordEvent } from '../domain/record-event.ts';
import { parseBusMessage } from '../schemas.ts';

const config = readConfig(
  z.object({
    PROFILES_TABLE_NAME: z.string().min(1),
    DORMANCY_DAYS: z.coerce.number().int().positive().default(90),
  }),
);
const store = new DynamoDbProfileStore(documentClient(), config.PROFILES_TABLE_NAME, config.DORMANCY_DAYS);
const processor = new BatchProcessor(EventType.SQS);

async function recordMessage(record: SQSRecord): Promise<void> {
  const event = parseBusMessage(record.body);
  const result = await recordEvent(store, event);
  metrics.addMetric(
    result.outcome === 'applied' ? 'profileUpdated' : 'duplicateEventSkipped',
    MetricUnit.Count,
    1,
  );
  if (result.merged.length > 0) metrics.addMetric('identitiesMerged', MetricUnit.Count, result.merged.length);
  logger.debug('event recorded', { eventType: event.type, outcome: result.outcome });
}

/** Each message is one EventBridge event; failures are reported per message so only those are retried. */
export const lambdaHandler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  processPartialResponse(event, recordMessage, processor, { context });

export const handler = middy(lambdaHandler)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(captureLambdaHandler(tracer));
