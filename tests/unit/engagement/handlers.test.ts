import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { slotTags } from '#messaging/domain/slot-tags.ts';
import { DynamoDbProfileStore } from '#profiles/adapters/dynamodb-profile-store.ts';
import { emptyProfile } from '#profiles/domain/profile.ts';
import { canonical, usd } from '#tests/helpers/events.ts';
import {
  JOURNEY_TAGS,
  type SesFixture,
  sentMessage,
  sesMessageBody,
  TAGGED_SLOT,
} from './engagement-events.ts';
import {
  type LocalTables,
  MESSAGES_TABLE,
  PROFILES_TABLE,
  STORES_TABLE,
  startLocalTables,
} from './messages-table.ts';

type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

interface PublishedMetric {
  name: string;
  value: number;
  dimensions: Record<string, string>;
}

const context = {
  getRemainingTimeInMillis: () => 10_000,
  functionName: 'engagement-test',
  awsRequestId: 'req-1',
} as unknown as Context;

let tables: LocalTables;
let sesEvents: Handler;
let attributeOrders: Handler;
const published: PublishedMetric[] = [];
const warnings: string[] = [];
/** Per-batch throughput counts, published with every invocation. */
const THROUGHPUT = new Set(['sesEventReceived', 'orderReceived']);

beforeAll(async () => {
  tables = await startLocalTables();
  // The handlers read their configuration and build their clients at import, as in Lambda.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: tables.dynamodb.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    MESSAGES_TABLE_NAME: MESSAGES_TABLE,
    PROFILES_TABLE_NAME: PROFILES_TABLE,
    STORES_TABLE_NAME: STORES_TABLE,
    POWERTOOLS_SERVICE_NAME: 'engagement',
    POWERTOOLS_METRICS_NAMESPACE: 'StorefrontJourneys',
    POWERTOOLS_TRACE_ENABLED: 'false',
    // Warnings are read back too (the suite silences logs otherwise).
    POWERTOOLS_LOG_LEVEL: 'WARN',
    // Dev mode writes metrics and logs through the global console, where the test reads them back.
    POWERTOOLS_DEV: 'true',
    POWERTOOLS_METRICS_DISABLED: 'false',
  });
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
    if (typeof line === 'string' && line.includes('"_aws"')) published.push(...metricsOf(JSON.parse(line)));
  });
  vi.spyOn(console, 'warn').mockImplementation((line: unknown) => {
    warnings.push(String(line));
  });
  sesEvents = (await import('../../../functions/engagement/handlers/ses-events.ts')).handler as Handler;
  attributeOrders = (await import('../../../functions/engagement/handlers/attribute-orders.ts'))
    .handler as Handler;
});
afterAll(async () => {
  vi.restoreAllMocks();
  await tables?.close();
});
beforeEach(() => {
  published.length = 0;
  warnings.length = 0;
});

/** Reads one EMF document back into metrics with their dimensions (the service dimension left out). */
function metricsOf(emf: Record<string, unknown>): PublishedMetric[] {
  const [directive] = (
    emf._aws as { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] }
  ).CloudWatchMetrics;
  const names = (directive?.Dimensions[0] ?? []).filter((name) => name !== 'service');
  return (directive?.Metrics ?? [])
    .filter(({ Name }) => !THROUGHPUT.has(Name))
    .map(({ Name }) => ({
      name: Name,
      value: emf[Name] as number,
      dimensions: Object.fromEntries(names.map((name) => [name, emf[name] as string])),
    }));
}

function sqsEvent(bodies: string[]): SQSEvent {
  return {
    Records: bodies.map((body, index) => ({
      messageId: `sqs-${index}`,
      receiptHandle: `receipt-${index}`,
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 'events',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:queue',
      awsRegion: 'us-east-1',
    })),
  };
}

const ses = (name: SesFixture, messageId: string, id = `${name}-${messageId}`) =>
  sesMessageBody(name, { id, messageId, mail: { tags: JOURNEY_TAGS } });

describe('Handler: ses-events', () => {
  it('records a batch, fails only the malformed message, and counts each kind once per mail', async () => {
    // Prepare
    await tables.putSentMessage(sentMessage({ messageId: 'h-1' }));
    await tables.putSentMessage(
      sentMessage({ messageId: 'h-2', journey: 'welcome', step: 'welcome', variant: 'welcome.welcome' }),
    );
    await tables.putSentMessage(sentMessage({ messageId: 'h-3', customerKey: 'customer:c-3' }));
    const batch = sqsEvent([
      ses('delivery', 'h-1'),
      ses('open', 'h-1'),
      ses('open', 'h-1', 'second-open'),
      ses('click', 'h-2'),
      ses('bounce', 'h-3'),
      '{malformed',
      JSON.stringify({ id: 'x', source: 'aws.ses', 'detail-type': 'Sending Status Enabled', detail: {} }),
      ses('open', 'not-ours'),
    ]);

    // Act
    const response = await sesEvents(batch, context);

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'sqs-5' }] });
    const reminder = {
      journey: 'cart-abandonment',
      step: 'reminder-1',
      variant: 'cart-abandonment.reminder-1',
    };
    expect(published).toEqual(
      expect.arrayContaining([
        { name: 'emailDelivered', value: 1, dimensions: reminder },
        { name: 'emailOpened', value: 1, dimensions: reminder },
        {
          name: 'emailClicked',
          value: 1,
          dimensions: { journey: 'welcome', step: 'welcome', variant: 'welcome.welcome' },
        },
        { name: 'emailBounced', value: 1, dimensions: reminder },
        { name: 'emailSuppressed', value: 1, dimensions: reminder },
      ]),
    );
    expect(published.filter((metric) => metric.name === 'emailOpened')).toHaveLength(1);
    expect(published).toHaveLength(5);
  });

  it('returns an event for a mail of ours sent moments ago to the queue, until the mail is indexed', async () => {
    // Prepare
    const body = sesMessageBody('delivery', {
      id: 'young-delivery',
      messageId: 'h-young',
      mail: { tags: JOURNEY_TAGS, timestamp: new Date().toISOString() },
    });

    const other = JSON.stringify({
      id: 'y',
      source: 'aws.ses',
      'detail-type': 'Sending Status Enabled',
      detail: {},
    });

    // Act (a batch whose every record fails fails as a whole, so another record rides along)
    const early = await sesEvents(sqsEvent([body, other]), context);
    await tables.putSentMessage(sentMessage({ messageId: 'h-young' }));
    const later = await sesEvents(sqsEvent([body, other]), context);

    // Assess
    expect(early).toEqual({ batchItemFailures: [{ itemIdentifier: 'sqs-0' }] });
    expect(later).toEqual({ batchItemFailures: [] });
    expect(published.map((metric) => metric.name)).toEqual(['emailDelivered']);
  });

  it('records a journey mail its sender never recorded from the slot its tags name, and says so', async () => {
    // Prepare: the sender claimed the slot, SES accepted the mail, and the sender's writes failed
    const slot = { ...TAGGED_SLOT, customerKey: 'customer:c-tags' };
    const tags = {
      ...JOURNEY_TAGS,
      ...Object.fromEntries(Object.entries(slotTags(slot)).map(([name, value]) => [name, [value]])),
    };
    const body = sesMessageBody('send', { id: 'send-h-tags', messageId: 'h-tags', mail: { tags } });
    const delivery = sesMessageBody('delivery', {
      id: 'delivery-h-tags',
      messageId: 'h-tags',
      mail: { tags },
    });

    // Act
    const responses = [
      await sesEvents(sqsEvent([body]), context),
      await sesEvents(sqsEvent([delivery]), context),
    ];

    // Assess
    expect(responses).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    const item = await tables.documents.send(
      new GetCommand({
        TableName: MESSAGES_TABLE,
        Key: { pk: 'CUSTOMER#demo#customer:c-tags', sk: 'MESSAGE#cart-abandonment#cart-1#reminder-1' },
      }),
    );
    expect(item.Item).toMatchObject({ status: 'sent', messageId: 'h-tags' });
    expect(published).toEqual([
      {
        name: 'emailDelivered',
        value: 1,
        dimensions: {
          journey: 'cart-abandonment',
          step: 'reminder-1',
          variant: 'cart-abandonment.reminder-1',
        },
      },
    ]);
    expect(warnings.filter((line) => line.includes('recorded sent from its SES tags'))).toHaveLength(1);
  });

  it('counts nothing again when the same events are delivered a second time', async () => {
    // Prepare
    await tables.putSentMessage(sentMessage({ messageId: 'h-9' }));
    const batch = sqsEvent([ses('delivery', 'h-9'), ses('click', 'h-9')]);
    await sesEvents(batch, context);
    published.length = 0;

    // Act
    const response = await sesEvents(batch, context);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(published).toEqual([]);
  });
});

describe('Handler: attribute-orders', () => {
  it('attributes an order to the last click, counts the conversion, and nothing on redelivery', async () => {
    // Prepare
    const customer = 'CUSTOMER#demo#customer:c-7';
    await new DynamoDbProfileStore(tables.documents, PROFILES_TABLE).save(
      emptyProfile('demo', 'customer:c-7'),
      undefined,
    );
    await tables.putSentMessage(sentMessage({ messageId: 'h-7', customerKey: 'customer:c-7' }));
    await sesEvents(sqsEvent([ses('click', 'h-7')]), context);
    await tables.documents.send(
      new PutCommand({
        TableName: MESSAGES_TABLE,
        Item: {
          pk: customer,
          sk: 'ENTRY#cart-abandonment#cart-7',
          journey: 'cart-abandonment',
          subjectKey: 'cart-7',
          at: '2017-08-09T20:00:00.000Z',
          heldOut: false,
        },
      }),
    );
    const order = canonical({
      id: 'evt-order-7',
      type: 'order.placed',
      // The click fixture's click happened at 2017-08-09T23:51:25.570Z.
      occurredAt: '2017-08-10T09:00:00Z',
      identity: { customerId: 'c-7' },
      data: { orderId: 'o-7', lines: [], total: usd('80.00') },
    });
    const batch = sqsEvent([JSON.stringify({ 'detail-type': 'order.placed', detail: order })]);
    published.length = 0;

    // Act
    const response = await attributeOrders(batch, context);
    const first = [...published];
    published.length = 0;
    await attributeOrders(batch, context);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    const reminder = {
      journey: 'cart-abandonment',
      step: 'reminder-1',
      variant: 'cart-abandonment.reminder-1',
    };
    expect(first).toEqual([
      { name: 'attributedOrders', value: 1, dimensions: reminder },
      { name: 'attributedRevenue', value: 80, dimensions: { ...reminder, currency: 'USD' } },
      { name: 'journeyConverted', value: 1, dimensions: { journey: 'cart-abandonment', group: 'treated' } },
      {
        name: 'conversionRevenue',
        value: 80,
        dimensions: { journey: 'cart-abandonment', group: 'treated', currency: 'USD' },
      },
    ]);
    expect(published).toEqual([]);
  });
});
