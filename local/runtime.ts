import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, SQSEvent } from 'aws-lambda';
import { type DynaliteServer, startDynalite } from './dynamodb/dynalite-server.ts';
import { ensureTables } from './dynamodb/ensure-tables.ts';
import { type BusEvent, LocalEventBuses, type RuleTarget } from './eventbridge/event-bus.ts';
import { startLocalEventBridge } from './eventbridge/event-bus-server.ts';
import { type LocalHttpApi, startLocalHttpApi } from './http-api/http-api-server.ts';
import { LocalFunction } from './lambda/function-pool.ts';
import type { Clock } from './sqs/clock.ts';
import type { SqsHandlerResult } from './sqs/event-source-mapping.ts';
import { type EventSourceMapping, startEventSourceMapping } from './sqs/event-source-mapping.ts';
import { LocalQueues } from './sqs/queues.ts';
import { startLocalSqsServer } from './sqs/server.ts';
import type { LocalTopology } from './topology/read-topology.ts';
import { readTopology } from './topology/read-topology.ts';
import { synthesizeTemplates } from './topology/synthesize.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';

export interface RuntimeOptions {
  /** Fixed ports (0 or absent: any free port). */
  ports?: Partial<Record<'http' | 'dynamodb' | 'eventbridge' | 'sqs', number>>;
  /** Keep DynamoDB data in LevelDB files under this folder instead of in memory. */
  dataDir?: string;
  /** Containers per function, like Lambda's concurrency. @default 4 */
  functionConcurrency?: number;
  /** Every log line the functions write (JSON logs, EMF metrics). @default - written to stdout */
  onLogLine?: (functionName: string, line: string) => void;
  /** Time for queue visibility timeouts; tests and fast-time runs pass their own. @default - real time */
  clock?: Clock;
  /** Problems of the runtime itself (a failed delivery, a crashed invocation). @default - console.error */
  onRuntimeError?: (error: unknown) => void;
}

export interface LocalRuntime {
  urls: { http: string; dynamodb: string; eventbridge: string; sqs: string };
  /** Environment that points AWS SDK v3 clients at the local services. */
  clientEnvironment: Record<string, string>;
  topology: LocalTopology;
  functions: Map<string, LocalFunction>;
  queues: LocalQueues;
  buses: LocalEventBuses;
  /** Physical names by what they are, for the CLI and tests. */
  names: { profilesTable: string; storesTable: string; bus: string; queues: string[] };
  /** Resolves when every queue is empty and no batch is in flight. */
  settle(): Promise<void>;
  /** Stops and restarts the DynamoDB endpoint, for outage drills. */
  dynamodb: DynaliteServer;
  close(): Promise<void>;
}

/**
 * Starts the local stack from the synthesized template: DynamoDB on dynalite, our EventBridge, SQS
 * and HTTP API front doors, and each Lambda function running its handler module unchanged in
 * worker threads whose environment points the AWS SDK at those endpoints.
 */
export async function startRuntime(options: RuntimeOptions = {}): Promise<LocalRuntime> {
  const onRuntimeError =
    options.onRuntimeError ?? ((error: unknown) => console.error('local runtime:', error));
  const onLogLine = options.onLogLine ?? ((_: string, line: string) => process.stdout.write(`${line}\n`));
  const closers: Array<() => Promise<void>> = [];
  try {
    if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true });
    const dynamodb = await startDynalite({
      ...(options.ports?.dynamodb !== undefined && { port: options.ports.dynamodb }),
      ...(options.dataDir !== undefined && { path: join(options.dataDir, 'dynamodb') }),
    });
    closers.push(() => dynamodb.close());

    const queues = new LocalQueues({
      accountId: LOCAL_ACCOUNT,
      region: LOCAL_REGION,
      ...(options.clock !== undefined && { clock: options.clock }),
    });
    const sqs = await startLocalSqsServer({ queues, port: options.ports?.sqs ?? 0 });
    closers.push(() => sqs.close());
    queues.setEndpoint(sqs.url);

    const topology = readTopology(
      synthesizeTemplates(),
      { account: LOCAL_ACCOUNT, region: LOCAL_REGION, sqsEndpoint: sqs.url },
      PROJECT_ROOT,
    );
    for (const queue of [...topology.queues].sort(
      (a, b) => Number(a.redrive !== undefined) - Number(b.redrive !== undefined),
    )) {
      queues.createQueue(queue);
    }

    const buses = new LocalEventBuses(
      topology.buses,
      topology.rules,
      topology.archivedBuses,
      async (target: RuleTarget, event: BusEvent) => deliverToTarget(queues, target, event),
      { account: LOCAL_ACCOUNT, region: LOCAL_REGION, onDeliveryError: onRuntimeError },
    );
    const eventbridge = await startLocalEventBridge({ buses, port: options.ports?.eventbridge ?? 0 });
    closers.push(() => eventbridge.close());

    const clientEnvironment = {
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: eventbridge.endpoint,
      AWS_ENDPOINT_URL_SQS: sqs.url,
    };
    const dynamodbClient = new DynamoDBClient({
      endpoint: dynamodb.endpoint,
      region: LOCAL_REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await ensureTables(dynamodbClient, topology.tables);
    dynamodbClient.destroy();

    const functions = new Map<string, LocalFunction>();
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
        }),
      );
    }
    closers.push(async () => {
      await Promise.all([...functions.values()].map((fn) => fn.close()));
    });
    const functionOf = (id: string) => {
      const fn = functions.get(id);
      if (fn === undefined) throw new Error(`the template wires ${id}, which is not a local function`);
      return fn;
    };

    const mappings: EventSourceMapping[] = topology.eventSourceMappings.map((mapping) =>
      startEventSourceMapping({
        queues,
        queueName: mapping.queueName,
        batchSize: mapping.batchSize,
        maximumBatchingWindowSeconds: mapping.maximumBatchingWindowSeconds,
        invoke: (event: SQSEvent) =>
          functionOf(mapping.functionId).invoke(event) as Promise<SqsHandlerResult>,
        onError: onRuntimeError,
      }),
    );
    // Closed in reverse: pollers stop before the functions they invoke.
    closers.push(async () => {
      await Promise.all(mappings.map((mapping) => mapping.stop()));
    });

    const http: LocalHttpApi = await startLocalHttpApi({
      routes: topology.routes.map((route) => ({
        routeKey: route.routeKey,
        invoke: (event: APIGatewayProxyEventV2) => functionOf(route.functionId).invoke(event),
      })),
      ...(options.ports?.http !== undefined && { port: options.ports.http }),
      onError: onRuntimeError,
    });
    closers.push(() => http.close());

    return {
      urls: { http: http.url, dynamodb: dynamodb.endpoint, eventbridge: eventbridge.endpoint, sqs: sqs.url },
      clientEnvironment,
      topology,
      functions,
      queues,
      buses,
      names: namesOf(topology),
      dynamodb,
      settle: async () => {
        await Promise.all(mappings.map((mapping) => mapping.drain()));
      },
      close: () => closeAll(closers),
    };
  } catch (error) {
    await closeAll(closers);
    throw error;
  }
}

async function deliverToTarget(queues: LocalQueues, target: RuleTarget, event: BusEvent): Promise<void> {
  if (target.arn.startsWith('arn:aws:sqs:')) {
    queues.send(queues.queueNameFromArn(target.arn), { body: JSON.stringify(event) });
    return;
  }
  throw new Error(`rule target ${target.arn} is not supported by the local runtime yet`);
}

function namesOf(topology: LocalTopology): LocalRuntime['names'] {
  const tableNamed = (fragment: string) => {
    const table = topology.tables.find((candidate) => candidate.TableName?.includes(fragment));
    if (table?.TableName === undefined) throw new Error(`no table named like ${fragment} in the template`);
    return table.TableName;
  };
  const bus = topology.buses[0];
  if (bus === undefined) throw new Error('the template declares no event bus');
  return {
    profilesTable: tableNamed('Profiles'),
    storesTable: tableNamed('Stores'),
    bus,
    queues: topology.queues.map((queue) => queue.name),
  };
}

async function closeAll(closers: Array<() => Promise<void>>): Promise<void> {
  for (const close of [...closers].reverse()) {
    try {
      await close();
    } catch {
      // Keep closing the rest; a half-started runtime must not leak ports.
    }
  }
}
