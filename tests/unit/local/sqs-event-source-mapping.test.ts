import { createHash } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '#local/sqs/clock.ts';
import { type EventSourceMapping, startEventSourceMapping } from '#local/sqs/event-source-mapping.ts';
import { LocalQueues } from '#local/sqs/queues.ts';

type Respond = (event: SQSEvent) => SQSBatchResponse | undefined | Promise<SQSBatchResponse | undefined>;

/** A plain async handler that records its events and lets a test await the nth call. */
function handler(respond: Respond = () => undefined) {
  const events: SQSEvent[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  return {
    events,
    bodies: (call: number) => events[call]?.Records.map((record) => record.body).sort(),
    invoke: async (event: SQSEvent): Promise<SQSBatchResponse | undefined> => {
      events.push(event);
      for (const waiter of waiters.filter((waiter) => events.length >= waiter.count)) waiter.resolve();
      return respond(event);
    },
    called: (count: number) =>
      new Promise<void>((resolve) => {
        if (events.length >= count) resolve();
        else waiters.push({ count, resolve });
      }),
  };
}

function setup(): { clock: ManualClock; queues: LocalQueues } {
  const clock = new ManualClock();
  const queues = new LocalQueues({ clock });
  queues.createQueue({ name: 'journeys-dlq', visibilityTimeoutSeconds: 30 });
  queues.createQueue({
    name: 'journeys',
    visibilityTimeoutSeconds: 30,
    redrive: { deadLetterQueueName: 'journeys-dlq', maxReceiveCount: 2 },
  });
  return { clock, queues };
}

const failures = (event: SQSEvent, failing: (body: string) => boolean): SQSBatchResponse => ({
  batchItemFailures: event.Records.filter((record) => failing(record.body)).map((record) => ({
    itemIdentifier: record.messageId,
  })),
});

const empty = { visible: 0, inFlight: 0, delayed: 0 };
let mapping: EventSourceMapping | undefined;

afterEach(async () => {
  await mapping?.stop();
  mapping = undefined;
});

describe('Function: startEventSourceMapping', () => {
  it('invokes with a Lambda-shaped SQS event and deletes a successful batch', async () => {
    // Prepare
    const { clock, queues } = setup();
    const { messageId } = queues.send('journeys', {
      body: '{"type":"order.placed"}',
      messageAttributes: { source: { dataType: 'String', stringValue: 'shopify' } },
    });
    const recorded = handler();

    // Act
    mapping = startEventSourceMapping({
      queues,
      queueName: 'journeys',
      batchSize: 10,
      invoke: recorded.invoke,
    });
    await mapping.drain();

    // Assess
    expect(recorded.events).toEqual([
      {
        Records: [
          {
            messageId,
            receiptHandle: expect.any(String),
            body: '{"type":"order.placed"}',
            attributes: {
              ApproximateReceiveCount: '1',
              SentTimestamp: String(clock.now()),
              SenderId: '000000000000',
              ApproximateFirstReceiveTimestamp: String(clock.now()),
            },
            messageAttributes: {
              source: {
                stringValue: 'shopify',
                stringListValues: [],
                binaryListValues: [],
                dataType: 'String',
              },
            },
            md5OfBody: createHash('md5').update('{"type":"order.placed"}').digest('hex'),
            md5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/),
            eventSource: 'aws:sqs',
            eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:journeys',
            awsRegion: 'us-east-1',
          },
        ],
      },
    ]);
    expect(queues.counts('journeys')).toEqual(empty);
  });

  it('redelivers only the records reported in batchItemFailures', async () => {
    // Prepare
    const { clock, queues } = setup();
    for (const body of ['a', 'b', 'c']) queues.send('journeys', { body });
    let call = 0;
    const recorded = handler((event) => {
      call += 1;
      return call === 1 ? failures(event, (body) => body === 'b') : { batchItemFailures: [] };
    });
    mapping = startEventSourceMapping({
      queues,
      queueName: 'journeys',
      batchSize: 10,
      invoke: recorded.invoke,
    });
    await recorded.called(1);

    // Act
    clock.advanceSeconds(30);
    await recorded.called(2);
    await mapping.drain();

    // Assess
    expect(recorded.bodies(0)).toEqual(['a', 'b', 'c']);
    expect(recorded.bodies(1)).toEqual(['b']);
    expect(recorded.events[1]?.Records[0]?.attributes.ApproximateReceiveCount).toBe('2');
    expect(queues.counts('journeys')).toEqual(empty);
    expect(queues.counts('journeys-dlq')).toEqual(empty);
  });

  it('redelivers the whole batch when the handler throws', async () => {
    // Prepare
    const { clock, queues } = setup();
    for (const body of ['a', 'b']) queues.send('journeys', { body });
    const errors: unknown[] = [];
    let call = 0;
    const recorded = handler(() => {
      call += 1;
      if (call === 1) throw new Error('database unavailable');
      return undefined;
    });
    mapping = startEventSourceMapping({
      queues,
      queueName: 'journeys',
      batchSize: 10,
      invoke: recorded.invoke,
      onError: (error) => errors.push(error),
    });
    await recorded.called(1);

    // Act
    clock.advanceSeconds(30);
    await recorded.called(2);
    await mapping.drain();

    // Assess
    expect(recorded.bodies(1)).toEqual(['a', 'b']);
    expect(errors).toEqual([new Error('database unavailable')]);
    expect(queues.counts('journeys')).toEqual(empty);
  });

  it('treats a failure naming a record outside the batch as a failed batch', async () => {
    // Prepare
    const { clock, queues } = setup();
    queues.send('journeys', { body: 'a' });
    const errors: unknown[] = [];
    let call = 0;
    const recorded = handler(() => {
      call += 1;
      return call === 1 ? { batchItemFailures: [{ itemIdentifier: 'not-in-batch' }] } : undefined;
    });
    mapping = startEventSourceMapping({
      queues,
      queueName: 'journeys',
      invoke: recorded.invoke,
      onError: (error) => errors.push(error),
    });
    await recorded.called(1);

    // Act
    clock.advanceSeconds(30);
    await recorded.called(2);
    await mapping.drain();

    // Assess
    expect(recorded.bodies(1)).toEqual(['a']);
    expect(errors).toHaveLength(1);
  });

  it('ends a poison message in the dead-letter queue and drains past it', async () => {
    // Prepare
    const { clock, queues } = setup();
    queues.send('journeys', { body: 'poison' });
    queues.send('journeys', { body: 'fine' });
    const recorded = handler((event) => failures(event, (body) => body === 'poison'));
    mapping = startEventSourceMapping({
      queues,
      queueName: 'journeys',
      batchSize: 10,
      invoke: recorded.invoke,
    });

    // Act
    await recorded.called(1);
    clock.advanceSeconds(30);
    await recorded.called(2);
    clock.advanceSeconds(30);
    await mapping.drain();

    // Assess
    expect(recorded.events.map((event) => event.Records.map((record) => record.body))).toEqual([
      expect.arrayContaining(['poison', 'fine']),
      ['poison'],
    ]);
    expect(queues.counts('journeys')).toEqual(empty);
    const [deadLettered] = queues.receive('journeys-dlq');
    expect(deadLettered?.body).toBe('poison');
  });

  it('splits messages into batches of at most batchSize', async () => {
    // Prepare
    const { queues } = setup();
    for (let index = 0; index < 5; index += 1) queues.send('journeys', { body: `m${index}` });
    const recorded = handler();

    // Act
    mapping = startEventSourceMapping({
      queues,
      queueName: 'journeys',
      batchSize: 2,
      invoke: recorded.invoke,
    });
    await mapping.drain();

    // Assess
    expect(recorded.events.map((event) => event.Records.length)).toEqual([2, 2, 1]);
  });

  it('gathers records sent during the batching window into one batch', async () => {
    // Prepare
    const { queues } = setup();
    const recorded = handler();
    mapping = startEventSourceMapping({
      queues,
      queueName: 'journeys',
      batchSize: 2,
      maximumBatchingWindowSeconds: 20,
      invoke: recorded.invoke,
    });

    // Act
    queues.send('journeys', { body: 'first' });
    await new Promise((resolve) => setImmediate(resolve));
    queues.send('journeys', { body: 'second' });
    await mapping.drain();

    // Assess
    expect(recorded.bodies(0)).toEqual(['first', 'second']);
  });

  it('picks up a message sent while idle', async () => {
    // Prepare
    const { queues } = setup();
    const recorded = handler();
    mapping = startEventSourceMapping({ queues, queueName: 'journeys', invoke: recorded.invoke });

    // Act
    queues.send('journeys', { body: 'later' });
    await recorded.called(1);
    await mapping.drain();

    // Assess
    expect(recorded.bodies(0)).toEqual(['later']);
  });

  it('lets the batch in progress finish when stopped', async () => {
    // Prepare
    const { queues } = setup();
    queues.send('journeys', { body: 'slow' });
    let release: () => void = () => undefined;
    const recorded = handler(() => new Promise<undefined>((resolve) => (release = () => resolve(undefined))));
    const started = startEventSourceMapping({ queues, queueName: 'journeys', invoke: recorded.invoke });
    await recorded.called(1);

    // Act
    const stopped = started.stop();
    release();
    await stopped;
    queues.send('journeys', { body: 'after stop' });

    // Assess
    expect(recorded.events).toHaveLength(1);
    expect(queues.counts('journeys')).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
    await expect(started.drain()).rejects.toThrow(/stopped/);
  });
});
