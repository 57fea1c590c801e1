import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '#local/sqs/clock.ts';
import { LocalQueues } from '#local/sqs/queues.ts';
import { type LocalSqsServer, startLocalSqsServer } from '#local/sqs/server.ts';
import { DynamoDbProfileStore } from '#profiles/adapters/dynamodb-profile-store.ts';
import { canonical } from '#tests/helpers/events.ts';
import {
  type LocalTables,
  PROFILES_TABLE,
  STORES_TABLE,
  startLocalTables,
} from '#tests/unit/engagement/messages-table.ts';

type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

const context = {
  getRemainingTimeInMillis: () => 10_000,
  functionName: 'profiles-test',
  awsRequestId: 'req-1',
} as unknown as Context;

/** Personal data the invalid events carry; none of it may reach a log line. */
const PERSONAL_VALUES = ['jane.doe@example', 'Janet', 'Doe-Smith', '12.345'];

/** A customer update that fails in four places, three of them holding personal data. */
const invalidUpdate = (id: string) => ({
  id,
  type: 'customer.updated',
  version: 1,
  storeId: 'demo',
  origin: 'api',
  occurredAt: '2026-05-01T10:00:00Z',
  // No top-level domain: the logger's e-mail masking would not catch this one.
  identity: { email: 'jane.doe@example' },
  data: { attributes: { firstName: 'Janet', lastName: 42, timeZone: 'Doe-Smith' } },
});

/** An order whose total has more digits than USD allows: the money check's message quotes the amount. */
const overPreciseOrder = (id: string) => ({
  id,
  type: 'order.placed',
  version: 1,
  storeId: 'demo',
  origin: 'api',
  occurredAt: '2026-05-01T10:00:00Z',
  identity: { customerId: 'c-1', email: 'jane.doe@example.com' },
  data: { orderId: 'o-1', lines: [], total: { amount: '12.345', currency: 'USD' } },
});

const busMessage = (detail: { type: string }) =>
  JSON.stringify({ source: 'storefront-journeys.ingest', 'detail-type': detail.type, detail });

// Queue time stands still: a message visible again before the visibility timeout was handed back.
const clock = new ManualClock();
let server: LocalSqsServer;
let queues: LocalQueues;
let sqs: SQSClient;
let queueUrl: string;
let tables: LocalTables;
let handler: Handler;
const lines: string[] = [];

beforeAll(async () => {
  tables = await startLocalTables();
  queues = new LocalQueues({ clock });
  server = await startLocalSqsServer({ queues, port: 0 });
  queues.setEndpoint(server.url);
  sqs = new SQSClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  queueUrl = (
    await sqs.send(
      new CreateQueueCommand({ QueueName: 'profile-events', Attributes: { VisibilityTimeout: '60' } }),
    )
  ).QueueUrl!;
  // The handler reads its configuration and builds its clients at import, as in Lambda.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: tables.dynamodb.endpoint,
    AWS_ENDPOINT_URL_SQS: server.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    PROFILES_TABLE_NAME: PROFILES_TABLE,
    STORES_TABLE_NAME: STORES_TABLE,
    SOURCE_QUEUE_URL: queueUrl,
    POWERTOOLS_SERVICE_NAME: 'profiles',
    POWERTOOLS_METRICS_NAMESPACE: 'StorefrontJourneys',
    POWERTOOLS_TRACE_ENABLED: 'false',
    // The log lines are what this test is about (the suite silences them otherwise).
    POWERTOOLS_LOG_LEVEL: 'INFO',
    // Dev mode writes logs and metrics through the global console, where the test reads them back.
    POWERTOOLS_DEV: 'true',
    POWERTOOLS_METRICS_DISABLED: 'false',
  });
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
  }
  handler = (await import('../../../functions/profiles/handlers/apply-events.ts')).handler as Handler;
});
afterAll(async () => {
  vi.restoreAllMocks();
  sqs?.destroy();
  await server?.close();
  await tables?.close();
});
beforeEach(() => {
  lines.length = 0;
  queues.purge('profile-events');
});

async function send(bodies: string[]): Promise<void> {
  for (const body of bodies)
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
}

/** What Lambda's event source mapping would hand the function: the next receive, as a Lambda event. */
async function receive(): Promise<SQSEvent> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return {
    Records: Messages.map((message) => ({
      messageId: message.MessageId!,
      receiptHandle: message.ReceiptHandle!,
      body: message.Body!,
      attributes: {
        ApproximateReceiveCount: message.Attributes!.ApproximateReceiveCount!,
        SentTimestamp: message.Attributes!.SentTimestamp!,
        SenderId: message.Attributes!.SenderId!,
        ApproximateFirstReceiveTimestamp: message.Attributes!.ApproximateFirstReceiveTimestamp!,
      },
      messageAttributes: {},
      md5OfBody: message.MD5OfBody!,
      eventSource: 'aws:sqs',
      eventSourceARN: queues.queueArn('profile-events'),
      awsRegion: 'us-east-1',
    })),
  };
}

const logged = (message: string) =>
  lines.filter((line) => line.includes(message)).map((line) => JSON.parse(line) as Record<string, unknown>);
const NOT_CANONICAL = 'queue message is not a canonical event';
const failuresOf = (response: SQSBatchResponse) =>
  response.batchItemFailures.map((f) => f.itemIdentifier).sort();
const idsOf = (event: SQSEvent) => event.Records.map((record) => record.messageId).sort();

describe('Handler: apply-events', () => {
  it('logs an invalid event once, by issue path and without its values, and hands it back at once', async () => {
    // Prepare
    await send([busMessage(invalidUpdate('evt-bad-1'))]);
    const first = await receive();

    // Act: the first receive, then the second
    const firstResponse = await handler(first, context);
    const afterFirst = queues.counts('profile-events');
    const second = await receive();
    const secondResponse = await handler(second, context);

    // Assess
    expect(failuresOf(firstResponse)).toEqual(idsOf(first));
    expect(failuresOf(secondResponse)).toEqual(idsOf(second));
    expect(second.Records[0]?.attributes.ApproximateReceiveCount).toBe('2');
    expect(afterFirst).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
    expect(queues.counts('profile-events')).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
    const [entry, ...more] = logged(NOT_CANONICAL);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      level: 'ERROR',
      messageId: first.Records[0]?.messageId,
      eventId: 'evt-bad-1',
      eventType: 'customer.updated',
      storeId: 'demo',
    });
    expect(((entry?.issues ?? []) as Array<{ path: string }>).map((issue) => issue.path).sort()).toEqual([
      'detail.data.attributes.lastName',
      'detail.data.attributes.timeZone',
      'detail.identity.email',
    ]);
    const everything = lines.join('\n');
    for (const value of PERSONAL_VALUES) expect(everything).not.toContain(value);
    expect(everything).not.toContain('All records failed processing');
    expect(everything).not.toContain('No application metrics');
  });

  it('answers a batch of only invalid messages with its failures instead of failing the invocation', async () => {
    // Prepare
    await send([
      busMessage(overPreciseOrder('evt-bad-2')),
      'Janet Doe-Smith, not JSON',
      '{"detail-type":"x"}',
    ]);
    const batch = await receive();

    // Act
    const response = await handler(batch, context);

    // Assess
    expect(batch.Records).toHaveLength(3);
    expect(failuresOf(response)).toEqual(idsOf(batch));
    expect(queues.counts('profile-events').visible).toBe(3);
    const entries = logged(NOT_CANONICAL);
    expect(entries).toHaveLength(3);
    expect(entries.flatMap((entry) => entry.issues as Array<{ path: string; code: string }>)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'detail.data.total.amount', code: 'custom' }),
        expect.objectContaining({ path: '', code: 'invalid_json' }),
        expect.objectContaining({ path: 'detail', code: 'invalid_type' }),
      ]),
    );
    const everything = lines.join('\n');
    for (const value of PERSONAL_VALUES) expect(everything).not.toContain(value);
  });

  it('records the valid events of a batch and fails only the invalid ones', async () => {
    // Prepare
    const valid = canonical({
      id: 'evt-good-1',
      type: 'customer.updated',
      occurredAt: '2026-05-01T10:00:00Z',
      identity: { customerId: 'c-good' },
      data: { attributes: { locale: 'de-DE' } },
    });
    await send([busMessage(valid), busMessage(invalidUpdate('evt-bad-3'))]);
    const batch = await receive();
    const invalidId = batch.Records.find((record) => record.body.includes('evt-bad-3'))?.messageId;

    // Act
    const response = await handler(batch, context);

    // Assess
    expect(failuresOf(response)).toEqual([invalidId]);
    const stored = await new DynamoDbProfileStore(tables.documents, PROFILES_TABLE).load(
      'demo',
      'customer:c-good',
    );
    expect(stored?.profile.attributes.locale).toBe('de-DE');
  });

  it('fails the invocation as before when a whole batch failed and a retry may help', async () => {
    // Prepare: DynamoDB refuses every read, and the batch also holds an invalid message
    const load = vi.spyOn(DynamoDbProfileStore.prototype, 'load').mockRejectedValue(
      Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
        name: 'ProvisionedThroughputExceededException',
      }),
    );
    const valid = canonical({
      id: 'evt-good-2',
      type: 'customer.updated',
      occurredAt: '2026-05-01T10:00:00Z',
      identity: { customerId: 'c-outage' },
      data: {},
    });
    await send([busMessage(valid), busMessage(invalidUpdate('evt-bad-4'))]);
    const batch = await receive();

    // Act
    const invocation = handler(batch, context).finally(() => load.mockRestore());

    // Assess: the transient failure fails the invocation; the invalid message is handed back all the same
    await expect(invocation).rejects.toBeInstanceOf(FullBatchFailureError);
    expect(queues.counts('profile-events')).toEqual({ visible: 1, inFlight: 1, delayed: 0 });
    expect(logged(NOT_CANONICAL)).toHaveLength(1);
  });
});
