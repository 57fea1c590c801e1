import type { LocalQueues } from './sqs/queues.ts';
import type { LocalTopology } from './topology/read-topology.ts';

/**
 * How each dead-letter queue is redriven. A queue's own DLQ goes back with StartMessageMoveTask (as
 * in the cloud); a rule target's DLQ holds events EventBridge could not deliver, which are forwarded
 * to the rule's target queue.
 */
export interface DeadLetterQueue {
  name: string;
  url: string;
  arn: string;
  redrive: { kind: 'move-to-source' } | { kind: 'forward'; targetQueueUrl: string };
}

export function deadLetterQueuesOf(topology: LocalTopology, queues: LocalQueues): DeadLetterQueue[] {
  const nameOf = (arn: string) => arn.split(':').pop() as string;
  const result: DeadLetterQueue[] = [];
  for (const queue of topology.queues) {
    if (queue.redrive === undefined) continue;
    const name = queue.redrive.deadLetterQueueName;
    result.push({
      name,
      url: queues.queueUrl(name),
      arn: queues.queueArn(name),
      redrive: { kind: 'move-to-source' },
    });
  }
  for (const rule of topology.rules) {
    for (const target of rule.targets) {
      if (target.deadLetterArn === undefined || !target.arn.startsWith('arn:aws:sqs:')) continue;
      const name = nameOf(target.deadLetterArn);
      result.push({
        name,
        url: queues.queueUrl(name),
        arn: target.deadLetterArn,
        redrive: { kind: 'forward', targetQueueUrl: queues.queueUrl(nameOf(target.arn)) },
      });
    }
  }
  return result;
}
