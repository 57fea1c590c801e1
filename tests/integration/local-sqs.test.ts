import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  QueueDoesNotExist,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  SQSServiceException,
  StartMessageMoveTaskCommand,
  TagQueueCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '#local/sqs/clock.ts';
import { startEventSourceMapping } from '#local/sqs/event-source-mapping.ts';
import { LocalQueues } from '#local/sqs/queues.ts';
import { type LocalSqsServer, startLocalSqsServer } from '#local/sqs/server.ts';

const clock = new ManualClock();
let server: LocalSqsServer;
let sqs: SQSClient;
let queues: LocalQueues;
let queueUrl: string;
let dlqUrl: string;
let dlqArn: string;

beforeAll(async () => {
  queues = new LocalQueues({ clock });
  server = await startLocalSqsServer({ queues, host: '127.0.0.1', port: 0 });
  sqs = new SQSClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  sqs.destroy();
  await server.close();
});

let suffix = 0;
beforeEach(async () => {
  // Fresh queues per test so counts never leak between them.
  suffix += 1;
  dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `events-dlq-${suffix}` }))).QueueUrl!;
  dlqArn = `arn:aws:sqs:us-east-1:000000000000:events-dlq-${suffix}`;
  const created = await sqs.send(
    new CreateQueueCommand({
      QueueName: `events-${suffix}`,
      Attributes: {
        VisibilityTimeout: '20',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: '1' }),
      },
    }),
  );
  queueUrl = created.QueueUrl!;
});

async function receive(url: string, max = 10) {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: max,
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return Messages;
}

describe('Function: startLocalSqsServer', () => {
  it('creates queues idempotently and answers GetQueueUrl and ListQueues', async () => {
    // Prepare
    const name = `events-${suffix}`;

    // Act
    const again = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const byName = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    const listed = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: name }));

    // Assess
    expect(queueUrl).toBe(`${server.url}/000000000000/${name}`);
    expect(again.QueueUrl).toBe(queueUrl);
    expect(byName.QueueUrl).toBe(queueUrl);
    expect(listed.QueueUrls).toEqual([queueUrl]);
  });

  it('sends a batch, receives it with system attributes and deletes it in a batch', async () => {
    // Prepare
    const entries = ['a', 'b', 'c'].map((body) => ({ Id: `entry-${body}`, MessageBody: `{"n":"${body}"}` }));

    // Act
    const sent = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    const received = await receive(queueUrl);
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: received.map((message, index) => ({
          Id: `d${index}`,
          ReceiptHandle: message.ReceiptHandle!,
        })),
      }),
    );
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );

    // Assess
    expect(sent.Successful?.map((entry) => entry.Id)).toEqual(['entry-a', 'entry-b', 'entry-c']);
    expect(sent.Failed).toEqual([]);
    expect(received.map((message) => message.Body).sort()).toEqual(['{"n":"a"}', '{"n":"b"}', '{"n":"c"}']);
    expect(received[0]?.Attributes).toEqual({
      ApproximateReceiveCount: '1',
      ApproximateFirstReceiveTimestamp: String(clock.now()),
      SentTimestamp: String(clock.now()),
      SenderId: '000000000000',
    });
    expect(deleted.Successful).toHaveLength(3);
    expect(Attributes).toEqual({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
  });

  it('reports per-entry failures in a delete batch', async () => {
    // Prepare
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x' }));
    const [message] = await receive(queueUrl);

    // Act
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          { Id: 'good', ReceiptHandle: message!.ReceiptHandle! },
          { Id: 'bad', ReceiptHandle: 'garbage' },
        ],
      }),
    );

    // Assess
    expect(deleted.Successful).toEqual([{ Id: 'good' }]);
    expect(deleted.Failed).toEqual([
      { Id: 'bad', SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: expect.any(String) },
    ]);
  });

  it('round-trips message attributes with the MD5 SQS would compute', async () => {
    // Prepare
    const attributes = {
      source: { DataType: 'String', StringValue: 'shopify' },
      total: { DataType: 'Number', StringValue: '27.5' },
      raw: { DataType: 'Binary', BinaryValue: Uint8Array.from([1, 2, 3]) },
    };

    // Act
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: 'with attributes',
        MessageAttributes: attributes,
      }),
    );
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MessageAttributeNames: ['All'] }),
    );

    // Assess
    expect(sent.MD5OfMessageBody).toBe(createHash('md5').update('with attributes').digest('hex'));
    expect(Messages[0]?.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
    expect(Messages[0]?.MessageAttributes).toEqual(attributes);
  });

  it('reports queue attributes including the redrive policy', async () => {
    // Prepare
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'one' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'two' }));
    await receive(queueUrl, 1);

    // Act
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }),
    );

    // Assess
    expect(Attributes).toMatchObject({
      QueueArn: `arn:aws:sqs:us-east-1:000000000000:events-${suffix}`,
      ApproximateNumberOfMessages: '1',
      ApproximateNumberOfMessagesNotVisible: '1',
      VisibilityTimeout: '20',
    });
    expect(JSON.parse(Attributes.RedrivePolicy ?? '')).toEqual({
      deadLetterTargetArn: dlqArn,
      maxReceiveCount: 1,
    });
  });

  it('dead-letters after maxReceiveCount and moves messages back with StartMessageMoveTask', async () => {
    // Prepare
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'poison' }));
    await receive(queueUrl);
    clock.advanceSeconds(20);
    const afterLimit = await receive(queueUrl);
    const dlqMessages = await receive(dlqUrl);
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: dlqUrl,
        ReceiptHandle: dlqMessages[0]!.ReceiptHandle!,
        VisibilityTimeout: 0,
      }),
    );

    // Act
    const started = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
    const { Results = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }));
    const redriven = await receive(queueUrl);

    // Assess
    expect(afterLimit).toEqual([]);
    expect(dlqMessages.map((message) => message.Body)).toEqual(['poison']);
    expect(dlqMessages[0]?.Attributes?.DeadLetterQueueSourceArn).toBe(
      `arn:aws:sqs:us-east-1:000000000000:events-${suffix}`,
    );
    expect(started.TaskHandle).toEqual(expect.any(String));
    expect(Results).toEqual([
      expect.objectContaining({
        Status: 'COMPLETED',
        SourceArn: dlqArn,
        ApproximateNumberOfMessagesMoved: 1,
        StartedTimestamp: clock.now(),
      }),
    ]);
    expect(redriven.map((message) => message.Body)).toEqual(['poison']);
    expect(redriven[0]?.Attributes?.ApproximateReceiveCount).toBe('1');
  });

  it('purges a queue', async () => {
    // Prepare
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'gone' }));

    // Act
    await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));

    // Assess
    expect(await receive(queueUrl)).toEqual([]);
  });

  it('answers a long poll as soon as a message arrives', async () => {
    // Prepare
    const polling = sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 20 }));

    // Act
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'awaited' }));
    const { Messages = [] } = await polling;

    // Assess
    expect(Messages.map((message) => message.Body)).toEqual(['awaited']);
  });

  it('raises the SDK exception classes for SQS errors', async () => {
    // Prepare
    const missingUrl = `${server.url}/000000000000/does-not-exist`;

    // Act
    const missing = sqs.send(new SendMessageCommand({ QueueUrl: missingUrl, MessageBody: 'x' }));
    const badHandle = sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: 'garbage' }));

    // Assess
    await expect(missing).rejects.toBeInstanceOf(QueueDoesNotExist);
    await expect(badHandle).rejects.toBeInstanceOf(ReceiptHandleIsInvalid);
  });

  it('names an unsupported operation in its error', async () => {
    // Prepare
    const command = new TagQueueCommand({ QueueUrl: queueUrl, Tags: { team: 'growth' } });

    // Act
    const tagging = sqs.send(command);

    // Assess
    await expect(tagging).rejects.toSatisfy(
      (error: unknown) =>
        error instanceof SQSServiceException &&
        error.name === 'UnsupportedOperation' &&
        error.message.includes('TagQueue'),
    );
  });

  it('feeds messages sent through the SDK to an event source mapping', async () => {
    // Prepare
    const bodies: string[] = [];
    const mapping = startEventSourceMapping({
      queues,
      queueName: `events-${suffix}`,
      batchSize: 10,
      invoke: async (event) => {
        bodies.push(...event.Records.map((record) => record.body));
      },
    });

    // Act
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          { Id: 'one', MessageBody: 'one' },
          { Id: 'two', MessageBody: 'two' },
        ],
      }),
    );
    await mapping.drain();
    await mapping.stop();

    // Assess
    expect(bodies.sort()).toEqual(['one', 'two']);
  });

  it('answers pending long polls with no messages when closed', async () => {
    // Prepare
    let longPollWaiting: () => void = () => undefined;
    const waiting = new Promise<void>((resolve) => (longPollWaiting = resolve));
    // Observes the server entering its long-poll wait, so close() is known to interrupt one.
    class ObservedQueues extends LocalQueues {
      override waitForMessages(queueName: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
        longPollWaiting();
        return super.waitForMessages(queueName, timeoutMs, signal);
      }
    }
    const ownQueues = new ObservedQueues({ clock });
    const ownServer = await startLocalSqsServer({ queues: ownQueues, host: '127.0.0.1', port: 0 });
    const client = new SQSClient({
      endpoint: ownServer.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: 'quiet' }));
    const polling = client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    await waiting;

    // Act
    await ownServer.close();
    const answer = await polling;
    client.destroy();

    // Assess
    expect(answer.Messages).toBeUndefined();
  });
});
