import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterQueuesOf } from '#local/dead-letter-queues.ts';
import { redriveDeadLetterQueues } from '#local/redrive.ts';
import { ManualClock } from '#local/sqs/clock.ts';
import { type LocalStack, startLocalStack } from '#tests/helpers/local-stack.ts';

let stack: LocalStack;
const clock = new ManualClock(Date.now());

beforeAll(async () => {
  stack = await startLocalStack({ queueClock: clock });
});
afterAll(async () => {
  await stack?.close();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Path: profile queue → dead-letter queue → redrive', () => {
  it('moves a message that keeps failing to the DLQ after maxReceiveCount, and redrives it back', async () => {
    // Prepare
    const { queues } = stack.runtime;
    const source = stack.runtime.topology.queues.find((queue) => queue.redrive !== undefined);
    if (source?.redrive === undefined) throw new Error('the template has no queue with a dead-letter queue');
    const dlq = source.redrive.deadLetterQueueName;
    const sqs = new SQSClient({
      region: 'us-east-1',
      endpoint: stack.runtime.urls.sqs,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queues.queueUrl(source.name), MessageBody: '{"not":"an event"}' }),
    );

    // Act: let each delivery fail, then let the visibility timeout pass, until SQS gives up
    // Real time only bounds the loop (a busy machine may take a while per delivery); queue time is the manual clock.
    const deadline = Date.now() + 30_000;
    while (queues.counts(dlq).visible === 0 && Date.now() < deadline) {
      await pause(100);
      if (queues.counts(source.name).inFlight > 0) clock.advanceSeconds(source.visibilityTimeoutSeconds + 1);
    }
    const inDlqBefore = queues.counts(dlq).visible;
    const results = await redriveDeadLetterQueues(sqs, deadLetterQueuesOf(stack.runtime.topology, queues));

    // Assess
    expect(source.redrive.maxReceiveCount).toBe(5);
    expect(inDlqBefore).toBe(1);
    expect(results).toEqual([{ queue: dlq, messages: 1, how: 'move-to-source' }]);
    expect(queues.counts(dlq).visible).toBe(0);
    const back = queues.counts(source.name);
    expect(back.visible + back.inFlight).toBe(1);
    // Powertools fails the invocation when every record of a batch failed: the only errors seen.
    const errorNames = new Set(
      stack.runtimeErrors.map((error) => (error as { errorName?: string }).errorName),
    );
    expect([...errorNames]).toEqual(['FullBatchFailureError']);
  });
});
