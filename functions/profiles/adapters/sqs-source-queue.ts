import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * The queue the function's event source mapping reads, for the one thing the function does with it
 * itself: handing a message back early. Receiving and deleting stay with the mapping.
 */
export class SqsSourceQueue {
  constructor(
    private readonly client: SQSClient,
    /** From the function's environment (`SOURCE_QUEUE_URL`), never derived from the record's ARN. */
    private readonly queueUrl: string,
  ) {}

  /**
   * Makes a received message visible again now, so its next receive (or, after `maxReceiveCount`
   * receives, its move to the dead-letter queue) comes at once instead of after the visibility timeout.
   */
  async releaseNow(receiptHandle: string): Promise<void> {
    await this.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: 0,
      }),
    );
  }
}
