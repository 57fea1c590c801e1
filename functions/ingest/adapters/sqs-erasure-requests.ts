import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ErasureRequestMessage } from '#privacy/erasure-request.ts';

/** Hands erasure requests to the erasure function's queue. */
export class SqsErasureRequests {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async request(requests: readonly ErasureRequestMessage[]): Promise<void> {
    if (requests.length === 0) return;
    const { Failed = [] } = await this.client.send(
      new SendMessageBatchCommand({
        QueueUrl: this.queueUrl,
        Entries: requests.map((request, index) => ({
          Id: String(index),
          MessageBody: JSON.stringify(request),
        })),
      }),
    );
    // The sender (Shopify) retries a request that was not answered 200.
    if (Failed.length > 0) throw new Error(`${Failed.length} erasure requests were not queued`);
  }
}
