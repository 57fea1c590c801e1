import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_SOURCE } from '#events/schemas.ts';
import { deadLetterQueuesOf } from '#local/dead-letter-queues.ts';
import { redriveDeadLetterQueues } from '#local/redrive.ts';
import { ManualClock } from '#local/sqs/clock.ts';
import type { QueueDefinition } from '#local/topology/read-topology.ts';
import { type LocalStack, startLocalStack } from '#tests/helpers/local-stack.ts';

// Queue time never moves in this file: a message is only received again if it was handed back at
// once, never because a visibility timeout passed.
const clock = new ManualClock(Date.now());
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
let stack: LocalStack;
let sqs: SQSClient;
let source: QueueDefinition & { redrive: NonNullable<QueueDefinition['redrive']> };
let dlq: string;

beforeAll(async () => {
  stack = await startLocalStack({ queueClock: clock });
  sqs = new SQSClient({ region: 'us-east-1', endpoint: stack.runtime.urls.sqs, credentials });
  const profileQueue = stack.runtime.topology.queues.find((queue) =>
    /^ProfileEventsQueue[0-9A-F]{8}$/.test(queue.name),
  );
  if (profileQueue?.redrive === undefined)
    throw new Error('the template has no profile-events queue with a DLQ');
  source = { ...profileQueue, redrive: profileQueue.redrive };
  dlq = profileQueue.redrive.deadLetterQueueName;
});
afterAll(async () => {
  sqs?.destroy();
  await stack?.close();
});

const NOT_CANONICAL = 'queue message is not a canonical event';

/** Until every queue is empty (the poison message dead-lettered), failing rather than waiting for ever. */
async function settleWithin(ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the queues did not settle within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([stack.runtime.settle(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Invocations of the profile function so far. */
function profileInvocations(): number {
  const mapping = stack.runtime.topology.eventSourceMappings.find((m) => m.queueName === source.name);
  const fn = mapping === undefined ? undefined : stack.runtime.functions.get(mapping.functionId);
  if (fn === undefined) throw new Error('no function reads the profile-events queue');
  return fn.invocations;
}

const notCanonicalLines = (mentioning: string) =>
  stack.logLines
    .filter((line) => line.includes(NOT_CANONICAL) && line.includes(mentioning))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('Path: profile queue → dead-letter queue → redrive', () => {
  it('dead-letters an invalid event from the bus after five quick receives, logged once and without its values', async () => {
    // Prepare: a customer update that fails validation in three places, carrying personal data
    const { queues } = stack.runtime;
    const eventbridge = new EventBridgeClient({
      region: 'us-east-1',
      endpoint: stack.runtime.urls.eventbridge,
      credentials,
    });
    const detail = {
      id: 'evt-invalid-1',
      type: 'customer.updated',
      version: 1,
      storeId: stack.demo.store.storeId,
      origin: 'api',
      occurredAt: '2026-05-01T10:00:00Z',
      identity: { email: 'jane.doe@example' },
      data: { attributes: { firstName: 'Janet', lastName: 42, timeZone: 'Doe-Smith' } },
    };
    const invocationsBefore = profileInvocations();

    // Act
    const put = await eventbridge.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: stack.runtime.names.bus,
            Source: EVENT_SOURCE,
            DetailType: detail.type,
            Detail: JSON.stringify(detail),
          },
        ],
      }),
    );
    await settleWithin(15_000);
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queues.queueUrl(dlq),
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    eventbridge.destroy();

    // Assess
    expect(put.FailedEntryCount).toBe(0);
    expect(source.redrive.maxReceiveCount).toBe(5);
    expect(Messages.map((message) => JSON.parse(message.Body ?? '{}').detail?.id)).toEqual(['evt-invalid-1']);
    expect(Messages[0]?.Attributes?.DeadLetterQueueSourceArn).toBe(queues.queueArn(source.name));
    expect(profileInvocations() - invocationsBefore).toBe(source.redrive.maxReceiveCount);
    const mentions = stack.logLines.filter((line) => line.includes('evt-invalid-1'));
    expect(mentions).toHaveLength(1);
    const [entry] = notCanonicalLines('evt-invalid-1');
    expect(entry).toMatchObject({ level: 'ERROR', eventType: 'customer.updated', storeId: detail.storeId });
    expect(((entry?.issues ?? []) as Array<{ path: string }>).map((issue) => issue.path).sort()).toEqual([
      'detail.data.attributes.lastName',
      'detail.data.attributes.timeZone',
      'detail.identity.email',
    ]);
    const everything = stack.logLines.join('\n');
    for (const value of ['jane.doe@example', 'Janet', 'Doe-Smith']) expect(everything).not.toContain(value);
    expect(everything).not.toContain('All records failed processing');
    expect(stack.runtimeErrors).toEqual([]);

    // Leave the dead-letter queue empty for the next test.
    await sqs.send(
      new DeleteMessageCommand({ QueueUrl: queues.queueUrl(dlq), ReceiptHandle: Messages[0]?.ReceiptHandle }),
    );
  });

  it('redrives the dead-letter queue to the profile queue, where a message still invalid comes back to it', async () => {
    // Prepare
    const { queues } = stack.runtime;
    const { MessageId } = await sqs.send(
      new SendMessageCommand({ QueueUrl: queues.queueUrl(source.name), MessageBody: '{"not":"an event"}' }),
    );
    await settleWithin(15_000);
    const inDlqBefore = queues.counts(dlq).visible;

    // Act
    const results = await redriveDeadLetterQueues(sqs, deadLetterQueuesOf(stack.runtime.topology, queues));
    await settleWithin(15_000);

    // Assess
    expect(inDlqBefore).toBe(1);
    expect(results).toEqual([{ queue: dlq, messages: 1, how: 'move-to-source' }]);
    expect(queues.counts(dlq).visible).toBe(1);
    // A moved message starts its receive count over, so each trip is logged once.
    expect(notCanonicalLines(MessageId ?? '?')).toHaveLength(2);
    expect(stack.runtimeErrors).toEqual([]);
  });
});
