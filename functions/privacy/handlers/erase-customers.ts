import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import type { IdentityKey } from '#profiles/domain/identity.ts';
import { documentClient } from '#shared/aws-clients.ts';
import { systemClock } from '#shared/clock.ts';
import { readConfig } from '#shared/config.ts';
import { observability } from '#shared/middlewares/observability.ts';
import { logger, metrics, tracer } from '#shared/powertools.ts';
import { eraseCustomer } from '../domain/erase-customer.ts';
import { erasureRequestSchema } from '../erasure-request.ts';
import { erasureDependencies } from '../erasure-wiring.ts';

const config = readConfig(
  z.object({
    PROFILES_TABLE_NAME: z.string().min(1),
    MESSAGES_TABLE_NAME: z.string().min(1),
    STORES_TABLE_NAME: z.string().min(1),
  }),
);
const clients = {
  dynamodb: documentClient(),
  stepFunctions: tracer.captureAWSv3Client(new SFNClient({})),
};
const tables = {
  profilesTable: config.PROFILES_TABLE_NAME,
  messagesTable: config.MESSAGES_TABLE_NAME,
  storesTable: config.STORES_TABLE_NAME,
};
const processor = new BatchProcessor(EventType.SQS);

async function erase(record: SQSRecord): Promise<void> {
  const request = erasureRequestSchema.parse(JSON.parse(record.body));
  const dependencies = await erasureDependencies(clients, tables, request.storeId);
  // Erased as of now, not as of the request: events that happened before now are dropped too.
  const report = await eraseCustomer(dependencies, {
    storeId: request.storeId,
    key: request.key as IdentityKey,
    at: systemClock.now(),
  });
  metrics.addMetric('customerErased', MetricUnit.Count, 1);
  // Counts only: the request's key names the person.
  logger.info('customer erased', { storeId: request.storeId, source: request.source, ...report });
}

/**
 * Runs each erasure request on the queue (Shopify's `customers/redact`, an admin): the same
 * `eraseCustomer` as `customer erase`. A failure is retried, then dead-lettered (a redrive re-runs
 * it: erasure is safe to repeat).
 */
export const lambdaHandler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  processPartialResponse(event, erase, processor, { context });

export const handler = middy(lambdaHandler).use(observability());
