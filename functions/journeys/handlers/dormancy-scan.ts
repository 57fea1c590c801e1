import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import * as z from 'zod';
import { DynamoDbProfileStore } from '#profiles/adapters/dynamodb-profile-store.ts';
import type { IdentityKey } from '#profiles/domain/identity.ts';
import { documentClient } from '#shared/aws-clients.ts';
import { readConfig } from '#shared/config.ts';
import { observability } from '#shared/middlewares/observability.ts';
import { parseEvent } from '#shared/middlewares/parse-event.ts';
import { logger, metrics, tracer } from '#shared/powertools.ts';
import { dormancyTrigger } from '../domain/dormancy-trigger.ts';
import { executionNameFor } from '../domain/execution-name.ts';

const config = readConfig(
  z.object({
    PROFILES_TABLE_NAME: z.string().min(1),
    DORMANT_ON_INDEX: z.string().min(1),
    STATE_MACHINE_ARN: z.string().min(1),
  }),
);
const documents = documentClient();
const profiles = new DynamoDbProfileStore(documents, config.PROFILES_TABLE_NAME);
const stepFunctions = tracer.captureAWSv3Client(new SFNClient({}));

/** EventBridge Scheduler sends `{}`; `day` lets an operator re-run a missed day. */
const scanEventSchema = z.object({ day: z.iso.date().optional() }).passthrough();

/**
 * Daily: starts a journey triggered by dormancy (its state machine in STATE_MACHINE_ARN) for every
 * profile that falls dormant today, read from the sparse
 * DormantOn index (one partition per day) rather than a scan of all profiles. Execution names derive
 * from (customer, day), so running the scan twice starts nothing twice.
 */
export const lambdaHandler = async (event: z.infer<typeof scanEventSchema>) => {
  const now = new Date();
  const day = event.day ?? now.toISOString().slice(0, 10);
  let started = 0;
  for await (const page of paginateQuery(
    { client: documents },
    {
      TableName: config.PROFILES_TABLE_NAME,
      IndexName: config.DORMANT_ON_INDEX,
      KeyConditionExpression: 'dormantOn = :day',
      ExpressionAttributeValues: { ':day': day },
    },
  )) {
    for (const item of page.Items ?? []) {
      const [, storeId, ...key] = String(item.pk).split('#');
      const stored = await profiles.load(storeId as string, key.join('#') as IdentityKey);
      const trigger = stored && dormancyTrigger(stored.profile, day, now);
      if (trigger === undefined) continue;
      try {
        await stepFunctions.send(
          new StartExecutionCommand({
            stateMachineArn: config.STATE_MACHINE_ARN,
            name: executionNameFor(trigger),
            input: JSON.stringify({ trigger }),
          }),
        );
        started += 1;
      } catch (error) {
        if (!(error instanceof ExecutionAlreadyExists)) throw error;
      }
    }
  }
  metrics.addMetric('dormancyScanStarted', MetricUnit.Count, started);
  logger.info('dormancy scan done', { day, started });
  return { day, started };
};

export const handler = middy(lambdaHandler).use(observability()).use(parseEvent(scanEventSchema));
