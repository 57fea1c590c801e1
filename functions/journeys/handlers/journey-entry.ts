import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { DynamoDbEngagementStore } from '#engagement/adapters/dynamodb-engagement-store.ts';
import { convertOrdersAfterEntry } from '#engagement/domain/attribute-order.ts';
import { DEFAULT_ATTRIBUTION_WINDOWS } from '#engagement/domain/attribution-rules.ts';
import { publishConversionMetrics } from '#engagement/metrics.ts';
import { CachingCredentialStore } from '#ingest/adapters/caching-credential-store.ts';
import { DynamoDbCredentialStore } from '#ingest/adapters/dynamodb-credential-store.ts';
import { DynamoDbMessagingStore } from '#messaging/adapters/dynamodb-messaging-store.ts';
import { erasureLog } from '#privacy/erasure-log.ts';
import { DynamoDbProfileStore } from '#profiles/adapters/dynamodb-profile-store.ts';
import { documentClient } from '#shared/aws-clients.ts';
import { systemClock } from '#shared/clock.ts';
import { readConfig } from '#shared/config.ts';
import { observability } from '#shared/middlewares/observability.ts';
import { logger, metrics, tracer } from '#shared/powertools.ts';
import { DynamoDbFlowCounter } from '../adapters/dynamodb-flow-counter.ts';
import { DynamoDbRunStore } from '../adapters/dynamodb-run-store.ts';
import { SfnRunStopper } from '../adapters/sfn-run-stopper.ts';
import { CATALOG } from '../config/catalog-config.ts';
import { executionArnOf, executionNameFor } from '../domain/execution-name.ts';
import { runTriggerOf } from '../domain/run-trigger.ts';
import { type NodeOutput, nodeInputSchema } from '../step/contract.ts';
import { ENTER_NODE, flowTallyOf, nextWaitTallyOf } from '../step/flow-counts.ts';
import { metricOf, publishGoalExit } from '../step/metrics.ts';
import { runGoalsOf, SUPERSEDED, stopRun, watchGoals } from '../step/run-goals.ts';
import { decideEntry } from '../step/run-node.ts';

const config = readConfig(
  z.object({
    PROFILES_TABLE_NAME: z.string().min(1),
    MESSAGES_TABLE_NAME: z.string().min(1),
    STORES_TABLE_NAME: z.string().min(1),
    CONVERSION_WINDOW_SECONDS: z.coerce
      .number()
      .positive()
      .default(DEFAULT_ATTRIBUTION_WINDOWS.conversionMs / 1000),
  }),
);
const documents = documentClient();
const stores = new CachingCredentialStore(
  new DynamoDbCredentialStore(documents, config.STORES_TABLE_NAME),
  60_000,
);
const dependencies = {
  profiles: new DynamoDbProfileStore(documents, config.PROFILES_TABLE_NAME),
  messaging: new DynamoDbMessagingStore(documents, config.MESSAGES_TABLE_NAME),
  runs: new DynamoDbRunStore(documents, config.MESSAGES_TABLE_NAME),
  findStore: (storeId: string) => stores.findStore(storeId),
  clock: systemClock,
  catalog: CATALOG,
  erasures: erasureLog(documents, {
    profilesTable: config.PROFILES_TABLE_NAME,
    storesTable: config.STORES_TABLE_NAME,
  }),
};
const attribution = new DynamoDbEngagementStore(documents, config.MESSAGES_TABLE_NAME);
const windows = { ...DEFAULT_ATTRIBUTION_WINDOWS, conversionMs: config.CONVERSION_WINDOW_SECONDS * 1000 };
const flow = new DynamoDbFlowCounter(documents, config.MESSAGES_TABLE_NAME);
const stepFunctions = tracer.captureAWSv3Client(new SFNClient({}));
const goalDependencies = {
  runs: dependencies.runs,
  messaging: dependencies.messaging,
  flow,
  stopper: new SfnRunStopper(stepFunctions),
  now: () => dependencies.clock.now(),
};
const processor = new BatchProcessor(EventType.SQS);

/**
 * What a journey's trigger rule puts on the queue: the journey's meta and enter node (written by the
 * compiler), the alias of its state machine, and the event.
 */
const entryMessageSchema = nodeInputSchema
  .pick({ journey: true, node: true, trigger: true, nextWait: true })
  .extend({ stateMachineArn: z.string().startsWith('arn:') });
type EntryMessage = z.infer<typeof entryMessageSchema>;

async function enterJourney(record: SQSRecord): Promise<void> {
  const { stateMachineArn, ...entry } = entryMessageSchema.parse(JSON.parse(record.body));
  const name = executionNameFor(entry.trigger);
  // The run is named by its ARN, as a run that enters in its own first step is ($$.Execution.Id).
  const { answer, entered, supersedes, supersededOnArrival } = await decideEntry(dependencies, {
    ...entry,
    runId: executionArnOf(stateMachineArn, name),
  });
  if (answer.outcome !== 'continue') {
    logger.debug('no run started', { journey: entry.journey.id, reason: answer.reason });
    await countAnswer(entry, answer);
    return;
  }
  if (entered !== undefined) {
    // Before the run starts, so a redelivery (its run already started) has done it; it is idempotent.
    const conversions = await convertOrdersAfterEntry(attribution, entered.customer, entered.entry, windows);
    publishConversionMetrics(conversions);
  }
  let executionArn: string;
  let started = true;
  try {
    ({ executionArn = executionArnOf(stateMachineArn, name) } = await stepFunctions.send(
      new StartExecutionCommand({
        stateMachineArn,
        name,
        // `last` is what an Enter state would have answered: a journey that starts by waiting for a
        // date or a local time waits until its `sendAfter`.
        input: JSON.stringify({ trigger: runTriggerOf(entry.trigger), last: answer }),
      }),
    ));
  } catch (error) {
    if (!(error instanceof ExecutionAlreadyExists)) throw error;
    // The run started on an earlier receive of this message, which counted its entry; its goals
    // are kept again below in case that receive ended before it kept them.
    executionArn = executionArnOf(stateMachineArn, name);
    started = false;
  }
  if (started) await countAnswer(entry, answer);
  if (entered !== undefined) {
    const now = dependencies.clock.now();
    const goals = runGoalsOf(entry.journey, entry.trigger, entered.entry.subjectKey, executionArn, now);
    const ended = await watchGoals(goalDependencies, entered.customer, goals);
    if (ended !== undefined) publishGoalExit(ended);
    const endSuperseded = async (runArn: string) => {
      const run = { journey: entry.journey.id, subjectKey: entered.entry.subjectKey, executionArn: runArn };
      if (await stopRun(goalDependencies, entered.customer, run, SUPERSEDED)) {
        publishGoalExit({ journey: run.journey, as: SUPERSEDED });
      }
    };
    // A newer change of the subject entered first: this run ends at once, as in the other order.
    if (supersededOnArrival === true) await endSuperseded(executionArn);
    // The older run of the same subject ends now rather than at its next step (three transitions).
    if (supersedes !== undefined) {
      await endSuperseded(
        executionArnOf(stateMachineArn, executionNameFor({ ...entry.trigger, id: supersedes.id })),
      );
    }
  }
}

/**
 * One metric line per message (a batch holds triggers of several journeys), and the flow view's
 * count, once the answer stands.
 */
async function countAnswer(entry: Omit<EntryMessage, 'stateMachineArn'>, answer: NodeOutput): Promise<void> {
  const { trigger } = entry;
  const journey = entry.journey.id;
  const now = dependencies.clock.now();
  for (const tally of [flowTallyOf(ENTER_NODE, answer, now), nextWaitTallyOf(answer, entry.nextWait, now)]) {
    if (tally !== undefined) await flow.add(trigger.storeId, journey, now, tally, trigger.id);
  }
  const metric = metricOf(ENTER_NODE, answer);
  if (metric === undefined) return;
  const single = metrics.singleMetric();
  single.addDimensions({ journey, step: ENTER_NODE, ...metric.dimensions });
  single.addMetric(metric.name, MetricUnit.Count, 1);
}

/**
 * Each message is a trigger of one journey: entry (duplicates, the trigger's filters, re-entry,
 * holdout) is decided here, and a run starts only for an entry, under a name derived from the
 * trigger, so a redelivered message starts nothing twice. Failures are reported per message.
 */
export const lambdaHandler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  return processPartialResponse(event, enterJourney, processor, { context });
};

export const handler = middy(lambdaHandler).use(observability());
