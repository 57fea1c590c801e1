import { SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetterQueue } from '../../dead-letter-queues.ts';
import { redriveDeadLetterQueues } from '../../redrive.ts';
import { readRuntimeFile } from '../../runtime-file.ts';

/** Local: every DLQ of the running stack. Deployed: the DLQ named by --queue-arn, back to its source queue. */
export async function runRedrive(options: {
  region?: string | undefined;
  queueArn?: string | undefined;
}): Promise<void> {
  let sqs: SQSClient;
  let queues: DeadLetterQueue[];
  if (options.region !== undefined) {
    if (options.queueArn === undefined) throw new Error('--queue-arn is required with --region');
    const [, , , region, account, name] = options.queueArn.split(':');
    sqs = new SQSClient({ region: options.region });
    queues = [
      {
        name: name ?? options.queueArn,
        arn: options.queueArn,
        url: `https://sqs.${region}.amazonaws.com/${account}/${name}`,
        redrive: { kind: 'move-to-source' },
      },
    ];
  } else {
    const runtime = readRuntimeFile();
    sqs = new SQSClient({
      region: 'us-east-1',
      endpoint: runtime.urls.sqs,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    queues = runtime.deadLetterQueues;
  }
  const results = await redriveDeadLetterQueues(sqs, queues);
  if (results.length === 0) process.stdout.write('Every dead-letter queue is empty.\n');
  for (const result of results) {
    process.stdout.write(`${result.queue}: ${result.messages} messages redriven (${result.how})\n`);
  }
}
