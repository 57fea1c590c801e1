import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { canonicalEventSchema } from '#events/schemas.ts';
import { DynamoDbMessagingStore } from '#messaging/adapters/dynamodb-messaging-store.ts';
import { erasureLog } from '#privacy/erasure-log.ts';
import { DynamoDbProfileStore } from '#profiles/adapters/dynamodb-profile-store.ts';
import { documentClient } from '#shared/aws-clients.ts';
import { systemClock } from '#shared/clock.ts';
import { readConfig } from '#shared/config.ts';
import { observability } from '#shared/middlewares/observability.ts';
import { logger, tracer } from '#shared/powertools.ts';
import { DynamoDbFlowCounter } from '../adapters/dynamodb-flow-counter.ts';
import { DynamoDbRunStore } from '../adapters/dynamodb-run-store.ts';
import { SfnRunStopper } from '../adapters/sfn-run-stopper.ts';
import { SfnTaskResumer } from '../adapters/sfn-task-resumer.ts';
import { publishGoalExit } from '../step/metrics.ts';
import { resumeWaitingRuns } from '../step/resume-waiting.ts';

const config = readConfig(
  z.object({
    PROFILES_TABLE_NAME: z.string().min(1),
    MESSAGES_TABLE_NAME: z.string().min(1),
    /** Each store's signing key hashes the identities its erasures left. */
    STORES_TABLE_NAME: z.string().min(1),
  }),
);
const documents = documentClient();
const stepFunctions = tracer.captureAWSv3Client(new SFNClient({}));
const dependencies = {
  profiles: new DynamoDbProfileStore(documents, config.PROFILES_TABLE_NAME),
  runs: new DynamoDbRunStore(documents, config.MESSAGES_TABLE_NAME),
  flow: new DynamoDbFlowCounter(documents, config.MESSAGES_TABLE_NAME),
  messaging: new DynamoDbMessagingStore(documents, config.MESSAGES_TABLE_NAME),
  stopper: new SfnRunStopper(stepFunctions),
  resumer: new SfnTaskResumer(stepFunctions),
  now: () => systemClock.now(),
  erasures: erasureLog(documents, {
    profilesTable: config.PROFILES_TABLE_NAME,
    storesTable: config.STORES_TABLE_NAME,
  }),
};
const processor = new BatchProcessor(EventType.SQS);
const busMessageSchema = z.object({ detail: canonicalEventSchema });

async function resume(record: SQSRecord): Promise<void> {
  const event = busMessageSchema.parse(JSON.parse(record.body)).detail;
  const result = await resumeWaitingRuns(dependencies, event);
  for (const goal of result.ended) publishGoalExit(goal);
  logger.debug('waiting runs looked up', {
    eventType: event.type,
    resumed: result.resumed,
    gone: result.gone,
    ended: result.ended.length,
  });
}

/**
 * Each message is an event some journey waits for or has as a goal: the runs waiting for it are
 * resumed at once, and the runs whose goal it reaches are stopped at once.
 */
export const lambdaHandler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  return processPartialResponse(event, resume, processor, { context });
};

export const handler = middy(lambdaHandler).use(observability());
