import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '#local/sqs/clock.ts';
import { SqsError } from '#local/sqs/errors.ts';
import { LocalQueues } from '#local/sqs/queues.ts';

function setup(): { clock: ManualClock; queues: LocalQueues } {
  const clock = new ManualClock();
  const queues = new LocalQueues({ clock, endpoint: 'http://127.0.0.1:4566' });
  queues.createQueue({ name: 'orders-dlq', visibilityTimeoutSeconds: 30 });
  queues.createQueue({
    name: 'orders',
    visibilityTimeoutSeconds: 30,
    redrive: { deadLetterQueueName: 'orders-dlq', maxReceiveCount: 2 },
  });
  return { clock, queues };
}

function receiveAll(queues: LocalQueues, name: string): ReturnType<LocalQueues['receive']> {
  return queues.receive(name, { maxNumberOfMessages: 10 });
}

describe('Class: LocalQueues', () => {
  it('names queues by URL and ARN with the configured account and region', () => {
    // Prepare
    const queues = new LocalQueues({
      accountId: '123456789012',
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:9/',
    });

    // Act
    const created = queues.createQueue({ name: 'events', visibilityTimeoutSeconds: 10 });

    // Assess
    expect(created).toEqual({
      url: 'http://127.0.0.1:9/123456789012/events',
      arn: 'arn:aws:sqs:eu-west-1:123456789012:events',
    });
    expect(queues.queueNameFromUrl('http://localhost:1234/123456789012/events')).toBe('events');
  });

  it('creates queues idempotently but rejects a different definition under the same name', () => {
    // Prepare
    const { queues } = setup();

    // Act
    const again = queues.createQueue({ name: 'orders-dlq', visibilityTimeoutSeconds: 30 });
    const conflicting = (): unknown =>
      queues.createQueue({ name: 'orders-dlq', visibilityTimeoutSeconds: 5 });

    // Assess
    expect(again.arn).toBe('arn:aws:sqs:us-east-1:000000000000:orders-dlq');
    expect(conflicting).toThrow(expect.objectContaining({ type: 'QueueNameExists' }));
  });

  it('rejects a redrive policy whose dead-letter queue does not exist', () => {
    // Prepare
    const queues = new LocalQueues();

    // Act
    const create = (): unknown =>
      queues.createQueue({
        name: 'orphan',
        visibilityTimeoutSeconds: 30,
        redrive: { deadLetterQueueName: 'missing', maxReceiveCount: 3 },
      });

    // Assess
    expect(create).toThrow(SqsError);
  });

  it('returns the MD5 of the body as SQS computes it', () => {
    // Prepare
    const { queues } = setup();
    const body = JSON.stringify({ detail: { total: '27.50', note: 'café ☕' } });

    // Act
    const sent = queues.send('orders', { body });

    // Assess
    expect(sent.md5OfMessageBody).toBe(createHash('md5').update(body, 'utf8').digest('hex'));
    expect(sent.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent.md5OfMessageAttributes).toBeUndefined();
  });

  it('hides a received message until its visibility timeout passes on the injected clock', () => {
    // Prepare
    const { clock, queues } = setup();
    queues.send('orders', { body: 'one' });

    // Act
    const first = receiveAll(queues, 'orders');
    clock.advanceSeconds(29);
    const tooEarly = receiveAll(queues, 'orders');
    const countsInFlight = queues.counts('orders');
    clock.advanceSeconds(1);
    const again = receiveAll(queues, 'orders');

    // Assess
    expect(first).toHaveLength(1);
    expect(tooEarly).toHaveLength(0);
    expect(countsInFlight).toEqual({ visible: 0, inFlight: 1, delayed: 0 });
    expect(again.map((message) => message.messageId)).toEqual(first.map((message) => message.messageId));
    expect(again[0]?.receiptHandle).not.toBe(first[0]?.receiptHandle);
  });

  it('counts receives and keeps the first receive and sent timestamps', () => {
    // Prepare
    const { clock, queues } = setup();
    const sentAt = clock.now();
    queues.send('orders', { body: 'one' });
    clock.advanceSeconds(5);
    const firstReceiveAt = clock.now();

    // Act
    receiveAll(queues, 'orders');
    clock.advanceSeconds(30);
    const [second] = receiveAll(queues, 'orders');

    // Assess
    expect(second).toMatchObject({
      approximateReceiveCount: 2,
      sentTimestamp: sentAt,
      approximateFirstReceiveTimestamp: firstReceiveAt,
      senderId: '000000000000',
    });
  });

  it('honours a per-receive visibility timeout and a visibility change', () => {
    // Prepare
    const { clock, queues } = setup();
    queues.send('orders-dlq', { body: 'one' });
    const [message] = queues.receive('orders-dlq', { visibilityTimeoutSeconds: 5 });

    // Act
    clock.advanceSeconds(5);
    const [redelivered] = receiveAll(queues, 'orders-dlq');
    queues.changeMessageVisibility('orders-dlq', redelivered!.receiptHandle, 0);
    const afterChange = receiveAll(queues, 'orders-dlq');

    // Assess
    expect(redelivered?.messageId).toBe(message?.messageId);
    expect(afterChange).toHaveLength(1);
  });

  it('refuses a visibility change for a message that is not in flight', () => {
    // Prepare
    const { clock, queues } = setup();
    queues.send('orders', { body: 'one' });
    const [message] = receiveAll(queues, 'orders');
    clock.advanceSeconds(31);

    // Act
    const change = (): void => queues.changeMessageVisibility('orders', message!.receiptHandle, 10);

    // Assess
    expect(change).toThrow(expect.objectContaining({ type: 'MessageNotInflight' }));
  });

  it('deletes by receipt handle, ignores stale handles and rejects garbled ones', () => {
    // Prepare
    const { clock, queues } = setup();
    queues.send('orders', { body: 'one' });
    const [stale] = receiveAll(queues, 'orders');
    clock.advanceSeconds(30);
    const [current] = receiveAll(queues, 'orders');

    // Act
    queues.deleteMessage('orders', stale!.receiptHandle);
    const afterStaleDelete = queues.counts('orders');
    queues.deleteMessage('orders', current!.receiptHandle);
    const garbled = (): void => queues.deleteMessage('orders', 'not-a-handle');

    // Assess
    expect(afterStaleDelete.inFlight).toBe(1);
    expect(queues.counts('orders')).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    expect(garbled).toThrow(expect.objectContaining({ type: 'ReceiptHandleIsInvalid' }));
  });

  it('deletes a whole received batch', () => {
    // Prepare
    const { queues } = setup();
    for (const body of ['a', 'b', 'c']) queues.send('orders', { body });
    const batch = receiveAll(queues, 'orders');

    // Act
    for (const message of batch) queues.deleteMessage('orders', message.receiptHandle);

    // Assess
    expect(batch.map((message) => message.body).sort()).toEqual(['a', 'b', 'c']);
    expect(queues.counts('orders')).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('receives at most the requested number of messages', () => {
    // Prepare
    const { queues } = setup();
    for (let index = 0; index < 12; index += 1) queues.send('orders', { body: `m${index}` });

    // Act
    const batch = receiveAll(queues, 'orders');
    const single = queues.receive('orders');

    // Assess
    expect(batch).toHaveLength(10);
    expect(single).toHaveLength(1);
    expect(queues.counts('orders')).toEqual({ visible: 1, inFlight: 11, delayed: 0 });
  });

  it('redrives a message to the dead-letter queue on the receive after maxReceiveCount', () => {
    // Prepare
    const { clock, queues } = setup();
    const { messageId } = queues.send('orders', { body: 'poison' });
    receiveAll(queues, 'orders');
    clock.advanceSeconds(30);
    const [secondReceive] = receiveAll(queues, 'orders');
    clock.advanceSeconds(30);

    // Act
    const thirdReceive = receiveAll(queues, 'orders');
    const [deadLettered] = receiveAll(queues, 'orders-dlq');

    // Assess
    expect(secondReceive?.approximateReceiveCount).toBe(2);
    expect(thirdReceive).toHaveLength(0);
    expect(queues.counts('orders')).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    expect(deadLettered).toMatchObject({
      messageId,
      body: 'poison',
      approximateReceiveCount: 1,
      deadLetterQueueSourceArn: 'arn:aws:sqs:us-east-1:000000000000:orders',
    });
  });

  it('moves dead-lettered messages back to their source queue with a message-move task', () => {
    // Prepare
    const { clock, queues } = setup();
    const { messageId } = queues.send('orders', { body: 'poison' });
    for (let receive = 0; receive < 3; receive += 1) {
      receiveAll(queues, 'orders');
      clock.advanceSeconds(30);
    }
    const dlqArn = queues.queueArn('orders-dlq');

    // Act
    const task = queues.startMessageMoveTask({ sourceArn: dlqArn });
    const [redriven] = receiveAll(queues, 'orders');

    // Assess
    expect(task).toMatchObject({
      status: 'COMPLETED',
      sourceArn: dlqArn,
      approximateNumberOfMessagesMoved: 1,
      approximateNumberOfMessagesToMove: 1,
    });
    expect(redriven).toMatchObject({ messageId, body: 'poison', approximateReceiveCount: 1 });
    expect(redriven?.deadLetterQueueSourceArn).toBeUndefined();
    expect(queues.counts('orders-dlq')).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    expect(queues.listMessageMoveTasks(dlqArn)).toEqual([task]);
  });

  it('moves messages to an explicit destination and leaves in-flight ones behind', () => {
    // Prepare
    const { queues } = setup();
    queues.createQueue({ name: 'replay', visibilityTimeoutSeconds: 30 });
    queues.send('orders-dlq', { body: 'held' });
    receiveAll(queues, 'orders-dlq');
    queues.send('orders-dlq', { body: 'waiting' });

    // Act
    const task = queues.startMessageMoveTask({
      sourceArn: queues.queueArn('orders-dlq'),
      destinationArn: queues.queueArn('replay'),
    });

    // Assess
    expect(task.approximateNumberOfMessagesMoved).toBe(1);
    expect(receiveAll(queues, 'replay').map((message) => message.body)).toEqual(['waiting']);
    expect(queues.counts('orders-dlq')).toEqual({ visible: 0, inFlight: 1, delayed: 0 });
  });

  it('refuses a message-move task from a queue that is not a dead-letter queue', () => {
    // Prepare
    const { queues } = setup();

    // Act
    const start = (): unknown => queues.startMessageMoveTask({ sourceArn: queues.queueArn('orders') });
    const unknown = (): unknown =>
      queues.startMessageMoveTask({ sourceArn: 'arn:aws:sqs:us-east-1:000000000000:nope' });

    // Assess
    expect(start).toThrow(expect.objectContaining({ type: 'UnsupportedOperation' }));
    expect(unknown).toThrow(expect.objectContaining({ type: 'ResourceNotFoundException' }));
  });

  it('purges visible and in-flight messages', () => {
    // Prepare
    const { queues } = setup();
    queues.send('orders', { body: 'a' });
    queues.send('orders', { body: 'b' });
    queues.receive('orders');

    // Act
    queues.purge('orders');

    // Assess
    expect(queues.counts('orders')).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('holds back a delayed message until its delay passes', () => {
    // Prepare
    const { clock, queues } = setup();
    queues.send('orders', { body: 'later', delaySeconds: 10 });

    // Act
    const early = receiveAll(queues, 'orders');
    const delayedCounts = queues.counts('orders');
    clock.advanceSeconds(10);
    const onTime = receiveAll(queues, 'orders');

    // Assess
    expect(early).toHaveLength(0);
    expect(delayedCounts).toEqual({ visible: 0, inFlight: 0, delayed: 1 });
    expect(onTime).toHaveLength(1);
  });

  it('rejects bodies SQS would reject', () => {
    // Prepare
    const { queues } = setup();

    // Act
    const empty = (): unknown => queues.send('orders', { body: '' });
    const control = (): unknown => queues.send('orders', { body: 'bad\u0000byte' });
    const unknownQueue = (): unknown => queues.send('nope', { body: 'x' });

    // Assess
    expect(empty).toThrow(expect.objectContaining({ type: 'MissingParameter' }));
    expect(control).toThrow(expect.objectContaining({ type: 'InvalidMessageContents' }));
    expect(unknownQueue).toThrow(expect.objectContaining({ type: 'QueueDoesNotExist' }));
  });

  it('wakes a waiter when a message is sent', async () => {
    // Prepare
    const { queues } = setup();
    const waiting = queues.waitForMessages('orders', 60_000);

    // Act
    queues.send('orders', { body: 'wake up' });
    await waiting;

    // Assess
    expect(queues.counts('orders').visible).toBe(1);
  });
});
