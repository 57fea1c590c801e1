import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, SQSEvent } from 'aws-lambda';
import { createVirtualClock, type VirtualClock } from './clock/virtual-clock.ts';
import type { ConsumedUnits } from './dynamodb/capacity-meter.ts';
import { type DynaliteServer, startDynalite } from './dynamodb/dynalite-server.ts';
import { ensureTables } from './dynamodb/ensure-tables.ts';
import { type BusEvent, LocalEventBuses, type RuleTarget } from './eventbridge/event-bus.ts';
import { startLocalEventBridge } from './eventbridge/event-bus-server.ts';
import { renderTargetInput } from './eventbridge/input-transformer.ts';
import { type HttpApiStats, startLocalHttpApi } from './http-api/http-api-server.ts';
import { LocalFunction } from './lambda/function-pool.ts';
import { startLocalScheduler } from './scheduler/local-scheduler.ts';
import { type LocalSes, type SentMail, startLocalSes } from './ses/local-ses.ts';
import type { Clock } from './sqs/clock.ts';
import {
  type EventSourceMapping,
  type SqsHandlerResult,
  startEventSourceMapping,
} from './sqs/event-source-mapping.ts';
import { LocalQueues } from './sqs/queues.ts';
import { startLocalSqsServer } from './sqs/server.ts';
import { createServiceCaller } from './stepfunctions/aws-sdk-caller.ts';
import { lambdaFunctionName } from './stepfunctions/lambda-task.ts';
import { startLocalStepFunctions } from './stepfunctions/server.ts';
import { LocalStepFunctions } from './stepfunctions/service.ts';
import { type LocalTopology, readTopology } from './topology/read-topology.ts';
import { synthesizeTemplates } from './topology/synthesize.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';
/** While the runtime is busy and the engine says nothing, how often `quiesce` looks again. */
const BUSY_RECHECK_MS = 5;

export type LocalService = 'http' | 'dynamodb' | 'eventbridge' | 'sqs' | 'stepfunctions' | 'ses';

export interface RuntimeOptions {
  /** Fixed ports (0 or absent: any free port). */
  ports?: Partial<Record<LocalService, number>>;
  /** Keep DynamoDB data in LevelDB files under this folder instead of in memory. */
  dataDir?: string;
  /** Containers per function, like Lambda's concurrency. @default 4 */
  functionConcurrency?: number;
  /**
   * How much faster than real time journeys run: Wait states, scheduled scans and the handlers'
   * "now" all follow it (3600: an hour a second). @default 1
   */
  speed?: number;
  /** Every log line the functions write (JSON logs, EMF metrics). @default - written to stdout */
  onLogLine?: (functionName: string, line: string) => void;
  /** Time for queue visibility timeouts; tests pass their own. @default - real time */
  queueClock?: Clock;
  /** Problems of the runtime itself (a failed delivery, a crashed invocation). @default - console.error */
  onRuntimeError?: (error: unknown) => void;
  /**
   * Time stands still at `start` and moves only with `advanceClock` (simulations): each step's work
   * runs to the end (`quiesce`) before the clock moves, so a run does not depend on the machine's
   * speed. `speed` is ignored.
   */
  manualTime?: { start: Date | number | string };
  /** Count the read and write request units DynamoDB would bill (inside dynalite's server). */
  meterDynamoDb?: boolean;
  /** Told of every mail SES accepted. */
  onMailSent?: (mail: SentMail) => void;
  /**
   * Keep finished executions' histories (`journeys why`, the Step Functions API). A simulation that
   * reads only counters turns this off to stay in memory at 10,000 customers. @default true
   */
  keepFinishedHistories?: boolean;
}

/** What the runtime counted that AWS bills for. */
export interface RuntimeUsage {
  httpApiRequests: number;
  eventBridgeEvents: number;
  lambda: Array<{ name: string; invocations: number; billedMilliseconds: number; memoryMb: number }>;
  stepFunctionsTransitions: number;
  /** Present when the runtime was started with `meterDynamoDb`. */
  dynamodb: ConsumedUnits | undefined;
  sqsRequests: number;
  sesMails: number;
  schedulerInvocations: number;
}

export interface LocalRuntime {
  urls: Record<LocalService, string> & { inbox: string };
  /** Environment that points AWS SDK v3 clients at the local services. */
  clientEnvironment: Record<string, string>;
  topology: LocalTopology;
  clock: VirtualClock;
  functions: Map<string, LocalFunction>;
  queues: LocalQueues;
  buses: LocalEventBuses;
  stepFunctions: LocalStepFunctions;
  ses: LocalSes;
  /** Physical names by what they are, for the CLI and tests. */
  names: {
    profilesTable: string;
    storesTable: string;
    messagesTable: string;
    bus: string;
    queues: string[];
    stateMachines: Record<string, string>;
  };
  /** The HTTP API's responses by status class (the dashboard's ingest 4xx/5xx). */
  httpStats: HttpApiStats;
  /** Resolves when every queue is empty and no batch is in flight (journeys may still be waiting). */
  settle(): Promise<void>;
  /**
   * Pauses or resumes the event source mapping that reads `queueName` (its queue name, or a part of
   * it), as Lambda's UpdateEventSourceMapping `Enabled` does; `settle` waits while one is paused.
   */
  setEventSourceMappingEnabled(queueName: string, enabled: boolean): void;
  /** The DynamoDB endpoint, for outage drills. */
  dynamodb: DynaliteServer;
  /** Manual time only: moves the clock to `virtualMs` and fires the schedules that came due. */
  advanceClock(virtualMs: number): void;
  /**
   * Resolves when nothing is left to do at the current time: queues drained, no function running,
   * every execution waiting on a timer. `nextTimerAt` says when the next Wait, retry or schedule
   * comes due (on manual time).
   */
  quiesce(): Promise<{ nextTimerAt: number | undefined }>;
  usage(): RuntimeUsage;
  close(): Promise<void>;
}

/**
 * Starts the local stack from the synthesized template: DynamoDB on dynalite, SES v2 on
 * aws-ses-v2-local, state machines on aws-local-stepfunctions, our EventBridge, SQS, Step Functions
 * and HTTP API front doors, and each Lambda function running its handler module unchanged in worker
 * threads whose environment points the AWS SDK at those endpoints.
 */
export async function startRuntime(options: RuntimeOptions = {}): Promise<LocalRuntime> {
  const onRuntimeError =
    options.onRuntimeError ?? ((error: unknown) => console.error('local runtime:', error));
  const onLogLine = options.onLogLine ?? ((_: string, line: string) => process.stdout.write(`${line}\n`));
  const port = (service: LocalService) => options.ports?.[service] ?? 0;
  const clock =
    options.manualTime === undefined
      ? createVirtualClock({ speed: options.speed ?? 1 })
      : createVirtualClock({ manual: true, start: options.manualTime.start });
  const closers: Array<() => Promise<void> | void> = [];
  try {
    if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true });
    const dynamodb = await startDynalite({
      port: port('dynamodb'),
      ...(options.dataDir !== undefined && { path: join(options.dataDir, 'dynamodb') }),
      meter: options.meterDynamoDb === true,
    });
    closers.push(() => dynamodb.close());
    const queues = new LocalQueues({
      accountId: LOCAL_ACCOUNT,
      region: LOCAL_REGION,
      ...(options.queueClock !== undefined && { clock: options.queueClock }),
    });
    const sqs = await startLocalSqsServer({ queues, port: port('sqs') });
    closers.push(() => sqs.close());
    queues.setEndpoint(sqs.url);
    const http = await startLocalHttpApi({ port: port('http'), onError: onRuntimeError });
    closers.push(() => http.close());
    // SES publishes engagement events to the default bus, which exists once the template is read.
    let buses: LocalEventBuses | undefined;
    const ses = await startLocalSes({
      port: port('ses'),
      now: () => clock.now(),
      publish: async (event) => {
        await buses?.put('default', event);
      },
      onError: onRuntimeError,
      // On manual time a mail's events wait until its sender has finished (see `quiesce`).
      ...(clock.manual !== undefined && { holdEvents: true }),
      ...(options.onMailSent !== undefined && { onSent: options.onMailSent }),
    });
    closers.push(() => ses.close());

    const topology = readTopology(
      synthesizeTemplates(),
      { account: LOCAL_ACCOUNT, region: LOCAL_REGION, sqsEndpoint: sqs.url, httpApiUrl: http.url },
      PROJECT_ROOT,
    );
    // A dead-letter queue must exist before the queue that redrives into it.
    for (const queue of [...topology.queues].sort(
      (a, b) => Number(a.redrive !== undefined) - Number(b.redrive !== undefined),
    )) {
      queues.createQueue(queue);
    }

    const functions = new Map<string, LocalFunction>();
    const functionOf = (id: string) => {
      const fn = functions.get(id);
      if (fn === undefined) throw new Error(`the template wires ${id}, which is not a local function`);
      return fn;
    };
    const serviceEndpoints: Record<string, string> = {
      dynamodb: dynamodb.endpoint,
      sqs: sqs.url,
      sesv2: ses.endpoint,
    };
    const stepFunctions = new LocalStepFunctions({
      clock,
      onError: onRuntimeError,
      stateMachines: topology.stateMachines,
      stateMachineVersions: topology.stateMachineVersions,
      stateMachineAliases: topology.stateMachineAliases,
      invokeFunction: (name, payload) => functionOf(lambdaFunctionName(name)).invoke(payload),
      holdStarts: clock.manual !== undefined,
      keepFinishedHistories: options.keepFinishedHistories ?? true,
      callService: createServiceCaller({ endpoints: serviceEndpoints, region: LOCAL_REGION }),
    });
    await stepFunctions.ready();
    const sfn = await startLocalStepFunctions({ service: stepFunctions, port: port('stepfunctions') });

    buses = new LocalEventBuses(
      // Every account has a default bus; SES publishes its engagement events there.
      [...new Set(['default', ...topology.buses])],
      topology.rules,
      topology.archivedBuses,
      async (target: RuleTarget, event: BusEvent) =>
        deliverToTarget({ queues, stepFunctions }, target, event),
      { account: LOCAL_ACCOUNT, region: LOCAL_REGION, onDeliveryError: onRuntimeError },
    );
    const eventbridge = await startLocalEventBridge({ buses, port: port('eventbridge') });
    closers.push(() => eventbridge.close());
    serviceEndpoints.eventbridge = eventbridge.endpoint;
    serviceEndpoints.sfn = sfn.endpoint;

    const clientEnvironment = {
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: eventbridge.endpoint,
      AWS_ENDPOINT_URL_SQS: sqs.url,
      AWS_ENDPOINT_URL_SFN: sfn.endpoint,
      AWS_ENDPOINT_URL_SESV2: ses.endpoint,
    };
    const dynamodbClient = new DynamoDBClient({
      endpoint: dynamodb.endpoint,
      region: LOCAL_REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await ensureTables(dynamodbClient, topology.tables);
    dynamodbClient.destroy();

    for (const definition of topology.functions) {
      functions.set(
        definition.logicalId,
        new LocalFunction(definition, {
          maxConcurrency: options.functionConcurrency ?? 4,
          // No X-Ray daemon runs locally; everything else is the function's own configuration.
          baseEnvironment: {
            ...clientEnvironment,
            POWERTOOLS_TRACE_ENABLED: 'false',
            PATH: process.env.PATH ?? '',
          },
          onLogLine,
          ...((clock.speed !== 1 || clock.manual !== undefined) && { clock: clock.parameters() }),
        }),
      );
    }
    closers.push(async () => {
      await Promise.all([...functions.values()].map((fn) => fn.close()));
    });
    // Closed in reverse: executions and pollers stop before the functions they invoke.
    closers.push(
      () => sfn.close(),
      () => stepFunctions.close(),
    );

    const mappings: Array<EventSourceMapping & { queueName: string }> = topology.eventSourceMappings.map(
      (mapping) => ({
        queueName: mapping.queueName,
        ...startEventSourceMapping({
          queues,
          queueName: mapping.queueName,
          batchSize: mapping.batchSize,
          maximumBatchingWindowSeconds: mapping.maximumBatchingWindowSeconds,
          invoke: (event: SQSEvent) =>
            functionOf(mapping.functionId).invoke(event) as Promise<SqsHandlerResult>,
          onError: onRuntimeError,
        }),
      }),
    );
    closers.push(async () => {
      await Promise.all(mappings.map((mapping) => mapping.stop()));
    });

    const scheduler = startLocalScheduler({
      schedules: topology.schedules,
      now: () => clock.now(),
      invoke: async (schedule) => {
        await functionOf(schedule.targetFunctionId).invoke(schedule.input);
      },
      onError: onRuntimeError,
    });
    closers.push(() => scheduler.close());

    http.setRoutes(
      topology.routes.map((route) => ({
        routeKey: route.routeKey,
        invoke: (event: APIGatewayProxyEventV2) => functionOf(route.functionId).invoke(event),
      })),
    );

    const settle = async () => {
      await ses.settle();
      await Promise.all(mappings.map((mapping) => mapping.drain()));
    };
    return {
      urls: {
        http: http.url,
        dynamodb: dynamodb.endpoint,
        eventbridge: eventbridge.endpoint,
        sqs: sqs.url,
        stepfunctions: sfn.endpoint,
        ses: ses.endpoint,
        inbox: ses.inboxUrl,
      },
      clientEnvironment,
      topology,
      clock,
      functions,
      queues,
      buses,
      stepFunctions,
      ses,
      names: namesOf(topology),
      httpStats: http.stats,
      dynamodb,
      settle,
      setEventSourceMappingEnabled: (queueName, enabled) => {
        const matching = mappings.filter((mapping) => mapping.queueName.includes(queueName));
        if (matching.length !== 1)
          throw new Error(`${matching.length} event source mappings read ${queueName}`);
        matching[0]?.setEnabled(enabled);
      },
      advanceClock: (virtualMs) => {
        if (clock.manual === undefined) throw new Error('advanceClock needs a runtime on manual time');
        clock.manual.advanceTo(virtualMs);
        scheduler.check();
      },
      quiesce: async () => {
        // Twice calm in a row: a reply in flight between two threads can look like calm once.
        for (let calm = 0; ; ) {
          await settle();
          const engine = await stepFunctions.activity();
          const busy = engine.busy || [...functions.values()].some((fn) => fn.active > 0);
          calm = busy ? 0 : calm + 1;
          if (calm === 2) {
            // Held work goes out only now, in a fixed order: journeys start once the profiles have
            // their events, and SES events follow once the senders have recorded their mails.
            if (stepFunctions.releaseHeldStarts() > 0 || ses.releaseHeldEvents() > 0) {
              calm = 0;
              continue;
            }
            const next = Math.min(engine.nextDeadline ?? Number.POSITIVE_INFINITY, scheduler.nextFireAt());
            return { nextTimerAt: Number.isFinite(next) ? next : undefined };
          }
          // Busy: sleep until the engine moves on rather than asking it again at once (asking costs
          // both threads a turn, and a simulation asks thousands of times an hour).
          if (busy) await stepFunctions.nextProgress(BUSY_RECHECK_MS);
          else await new Promise((resolve) => setImmediate(resolve));
        }
      },
      usage: () => ({
        httpApiRequests: http.stats.count,
        eventBridgeEvents: buses?.stats.billedEvents ?? 0,
        lambda: [...functions.values()].map((fn) => ({
          name: fn.name,
          invocations: fn.invocations,
          billedMilliseconds: fn.billedMilliseconds,
          memoryMb: fn.definition.memoryMb,
        })),
        stepFunctionsTransitions: Object.values(stepFunctions.stats()).reduce(
          (sum, machine) => sum + machine.stateTransitions,
          0,
        ),
        dynamodb: dynamodb.consumed === undefined ? undefined : { ...dynamodb.consumed },
        sqsRequests: queues.billedRequests,
        sesMails: ses.sentCount(),
        schedulerInvocations: scheduler.invocations,
      }),
      close: () => closeAll(closers),
    };
  } catch (error) {
    await closeAll(closers);
    throw error;
  }
}

async function deliverToTarget(
  services: { queues: LocalQueues; stepFunctions: LocalStepFunctions },
  target: RuleTarget,
  event: BusEvent,
): Promise<void> {
  const input = renderTargetInput(target, event, { ...(target.ruleName && { ruleName: target.ruleName }) });
  if (target.arn.startsWith('arn:aws:sqs:')) {
    services.queues.send(services.queues.queueNameFromArn(target.arn), { body: input });
    return;
  }
  if (target.arn.startsWith('arn:aws:states:')) {
    await services.stepFunctions.startExecution({ stateMachineArn: target.arn, input });
    return;
  }
  throw new Error(`rule target ${target.arn} is not supported by the local runtime`);
}

function namesOf(topology: LocalTopology): LocalRuntime['names'] {
  const tableNamed = (fragment: string) => {
    const table = topology.tables.find((candidate) => candidate.TableName?.includes(fragment));
    if (table?.TableName === undefined) throw new Error(`no table named like ${fragment} in the template`);
    return table.TableName;
  };
  const bus = topology.buses[0];
  if (bus === undefined) throw new Error('the template declares no event bus');
  const stateMachines = Object.fromEntries(
    topology.stateMachines.map((machine) => [
      machine.name.replace(/^Journeys/, '').replace(/Journey[0-9A-F]{8}$/, ''),
      machine.arn,
    ]),
  );
  return {
    profilesTable: tableNamed('Profiles'),
    storesTable: tableNamed('Stores'),
    messagesTable: tableNamed('Messages'),
    bus,
    queues: topology.queues.map((queue) => queue.name),
    stateMachines,
  };
}

async function closeAll(closers: Array<() => Promise<void> | void>): Promise<void> {
  for (const close of [...closers].reverse()) {
    try {
      await close();
    } catch {
      // Keep closing the rest; a half-started runtime must not leak ports.
    }
  }
}
