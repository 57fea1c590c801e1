import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import type { DeadLetterQueue } from './dead-letter-queues.ts';

export interface RedriveResult {
  queue: string;
  messages: number;
  how: 'move-to-source' | 'forward';
}

/**
 * The documented redrive, through the SDK so it works the same against the local SQS and AWS:
 * StartMessageMoveTask for a queue's DLQ; receive → send → delete for a rule target's DLQ.
 * Forwarding deletes only what was sent, so a crash mid-way leaves messages in the DLQ, never loses them.
 */
export async function redriveDeadLetterQueues(
  sqs: SQSClient,
  queues: DeadLetterQueue[],
): Promise<RedriveResult[]> {
  const results: RedriveResult[] = [];
  for (const queue of queues) {
    const waiting = await approximateCount(sqs, queue.url);
    if (waiting === 0) continue;
    if (queue.redrive.kind === 'move-to-source') {
      await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: queue.arn }));
      results.push({ queue: queue.name, messages: waiting, how: 'move-to-source' });
    } else {
      results.push({
        queue: queue.name,
        messages: await forward(sqs, queue.url, queue.redrive.targetQueueUrl),
        how: 'forward',
      });
    }
  }
  return results;
}

async function forward(sqs: SQSClient, fromUrl: string, toUrl: string): Promise<number> {
  let forwarded = 0;
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: fromUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 60,
        WaitTimeSeconds: 0,
      }),
    );
    if (Messages.length === 0) return forwarded;
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: toUrl,
        Entries: Messages.map((message, index) => ({ Id: String(index), MessageBody: message.Body ?? '' })),
      }),
    );
    const sentIds = new Set((sent.Successful ?? []).map((entry) => entry.Id));
    const done = Messages.map((message, index) => ({
      Id: String(index),
      ReceiptHandle: message.ReceiptHandle ?? '',
    })).filter((entry) => sentIds.has(entry.Id));
    if (done.length > 0) await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: fromUrl, Entries: done }));
    forwarded += done.length;
  }
}

export async function approximateCount(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(Attributes.ApproximateNumberOfMessages ?? 0);
}
