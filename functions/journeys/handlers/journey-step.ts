import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import * as z from 'zod';
import { CachingCredentialStore } from '#ingest/adapters/caching-credential-store.ts';
import { DynamoDbCredentialStore } from '#ingest/adapters/dynamodb-credential-store.ts';
import { DynamoDbMessagingStore } from '#messaging/adapters/dynamodb-messaging-store.ts';
import { SesEmailSender } from '#messaging/adapters/ses-email-sender.ts';
import { renderMessage } from '#messaging/rendering/render.ts';
import { erasureLog } from '#privacy/erasure-log.ts';
import { DynamoDbProfileStore } from '#profiles/adapters/dynamodb-profile-store.ts';
import { documentClient } from '#shared/aws-clients.ts';
import { systemClock } from '#shared/clock.ts';
import { readConfig } from '#shared/config.ts';
import { observability } from '#shared/middlewares/observability.ts';
import { parseEvent } from '#shared/middlewares/parse-event.ts';
import { logger, metrics, tracer } from '#shared/powertools.ts';
import { DynamoDbFlowCounter } from '../adapters/dynamodb-flow-counter.ts';
import { DynamoDbRunStore } from '../adapters/dynamodb-run-store.ts';
import { SfnTaskResumer } from '../adapters/sfn-task-resumer.ts';
import { CATALOG } from '../config/catalog-config.ts';
import { type NodeInput, type NodeOutput, nodeInputSchema, RUN_EXITED_ERROR } from '../step/contract.ts';
import { ExperimentJudge } from '../step/experiment-judge.ts';
import { flowTallyOf, nextWaitTallyOf } from '../step/flow-counts.ts';
import { metricOf } from '../step/metrics.ts';
import { runNode } from '../step/run-node.ts';

const config = readConfig(
  z.object({
    PROFILES_TABLE_NAME: z.string().min(1),
    MESSAGES_TABLE_NAME: z.string().min(1),
    STORES_TABLE_NAME: z.string().min(1),
    SES_CONFIGURATION_SET: z.string().min(1),
    PUBLIC_API_URL: z.url(),
  }),
);
const documents = documentClient();
const stores = new CachingCredentialStore(
  new DynamoDbCredentialStore(documents, config.STORES_TABLE_NAME),
  60_000,
);
const flow = new DynamoDbFlowCounter(documents, config.MESSAGES_TABLE_NAME);
const dependencies = {
  profiles: new DynamoDbProfileStore(documents, config.PROFILES_TABLE_NAME),
  messaging: new DynamoDbMessagingStore(documents, config.MESSAGES_TABLE_NAME),
  runs: new DynamoDbRunStore(documents, config.MESSAGES_TABLE_NAME),
  resumer: new SfnTaskResumer(tracer.captureAWSv3Client(new SFNClient({}))),
  mailer: new SesEmailSender(tracer.captureAWSv3Client(new SESv2Client({})), config.SES_CONFIGURATION_SET),
  findStore: (storeId: string) => stores.findStore(storeId),
  render: renderMessage,
  clock: systemClock,
  catalog: CATALOG,
  erasures: erasureLog(documents, {
    profilesTable: config.PROFILES_TABLE_NAME,
    storesTable: config.STORES_TABLE_NAME,
  }),
  publicApiUrl: config.PUBLIC_API_URL,
  experiments: new ExperimentJudge(flow),
};

/**
 * Called by every Task of every compiled journey with the node it is at (see `step/run-node.ts`).
 * Errors fail the Task, and the state machine's Retry calls it again (safe: idempotent).
 */
export const lambdaHandler = async (input: NodeInput): Promise<NodeOutput> => {
  const output = await runNode(dependencies, input);
  // A waitFor task waits for its token whatever this returns: a run that ends here fails the task
  // with the error its state catches to end.
  if (input.taskToken !== undefined && output.outcome === 'exited') {
    await dependencies.resumer.fail(input.taskToken, RUN_EXITED_ERROR, output.reason);
  }
  const now = dependencies.clock.now();
  for (const tally of [
    flowTallyOf(input.node.id, output, now, output.variant || undefined),
    nextWaitTallyOf(output, input.nextWait, now),
  ]) {
    if (tally !== undefined)
      await flow.add(input.trigger.storeId, input.journey.id, now, tally, input.trigger.id);
  }
  const metric = metricOf(input.node.id, output);
  if (metric !== undefined) {
    // One call: each addDimensions call starts a separate dimension set in Powertools.
    metrics.addDimensions({ journey: input.journey.id, step: input.node.id, ...metric.dimensions });
    metrics.addMetric(metric.name, MetricUnit.Count, 1);
  }
  logger.info('journey step answered', {
    journey: input.journey.id,
    step: input.node.id,
    outcome: output.outcome,
    reason: output.outcome === 'sent' ? 'sent' : output.reason,
  });
  return output;
};

export const handler = middy(lambdaHandler).use(observability()).use(parseEvent(nodeInputSchema));
