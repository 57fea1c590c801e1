import type { SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import type { MessageAttribute } from './md5.ts';
import type { LocalQueues, ReceivedMessage } from './queues.ts';

// biome-ignore lint/suspicious/noConfusingVoidType: matches aws-lambda's SQSHandler, so typed handlers plug in as they are.
export type SqsHandlerResult = SQSBatchResponse | void;

export interface EventSourceMappingOptions {
  queues: LocalQueues;
  queueName: string;
  /** Records per invocation, as BatchSize on the mapping. Defaults to 10. */
  batchSize?: number;
  /**
   * Wall-clock seconds to keep gathering records while a batch is short of batchSize, as
   * MaximumBatchingWindowInSeconds. Defaults to 0: invoke with whatever one receive returns.
   */
  maximumBatchingWindowSeconds?: number;
  /** The handler, called with a Lambda-shaped event; its batchItemFailures are honoured. */
  invoke: (event: SQSEvent) => Promise<SqsHandlerResult>;
  /** Told about failed invocations and malformed responses; the batch is left to redeliver either way. */
  onError?: (error: unknown, event: SQSEvent) => void;
  /** Wall-clock milliseconds between polls of an idle queue, to notice lapsed visibility timeouts. Defaults to 50. */
  idleIntervalMs?: number;
}

export interface EventSourceMapping {
  /** Stops polling once any batch being processed has been finished and its results applied. */
  stop(): Promise<void>;
  /**
   * Resolves once the queue holds no messages at all (visible, in flight or delayed) and no batch is
   * being processed. Messages dead-lettered along the way are gone from the queue, so a poison message
   * no longer holds it up once redrive has moved it; without a redrive policy it will. Rejects if the
   * mapping is stopped first.
   */
  drain(): Promise<void>;
  /**
   * Pauses or resumes polling, as Lambda's UpdateEventSourceMapping `Enabled` does: messages wait on
   * the queue meanwhile (a batch being handled is finished). Lets a test hold a consumer back.
   */
  setEnabled(enabled: boolean): void;
}

interface DrainWaiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Feeds a queue to a handler the way Lambda's SQS event source mapping with ReportBatchItemFailures
 * does: records listed in batchItemFailures, or the whole batch if the handler throws, stay on the
 * queue and come back after the visibility timeout; everything else is deleted. One batch at a time.
 */
export function startEventSourceMapping(options: EventSourceMappingOptions): EventSourceMapping {
  const { queues, queueName, invoke } = options;
  const batchSize = options.batchSize ?? 10;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  }
  const windowMs = (options.maximumBatchingWindowSeconds ?? 0) * 1000;
  const idleIntervalMs = options.idleIntervalMs ?? 50;
  const onError =
    options.onError ?? ((error: unknown) => console.error(`event source mapping for ${queueName}:`, error));
  const eventSourceARN = queues.queueArn(queueName);
  queues.counts(queueName); // fails fast on an unknown queue
  const stopping = new AbortController();
  const drainWaiters: DrainWaiter[] = [];

  /** A batch is being collected or handled. */
  let working = false;
  let enabled = true;
  const drained = (): boolean => {
    const { visible, inFlight, delayed } = queues.counts(queueName);
    return !working && visible + inFlight + delayed === 0;
  };
  const settleDrains = (): void => {
    if (!drained()) return;
    for (const waiter of drainWaiters.splice(0)) waiter.resolve();
  };

  const collect = async (): Promise<ReceivedMessage[]> => {
    const batch: ReceivedMessage[] = [];
    const deadline = Date.now() + windowMs;
    while (batch.length < batchSize && !stopping.signal.aborted) {
      const received = queues.receive(queueName, {
        maxNumberOfMessages: Math.min(10, batchSize - batch.length),
      });
      batch.push(...received);
      if (received.length > 0) continue;
      const remaining = deadline - Date.now();
      if (batch.length === 0 || remaining <= 0) break;
      await queues.waitForMessages(queueName, Math.min(idleIntervalMs, remaining), stopping.signal);
    }
    return batch;
  };

  const processBatch = async (batch: ReceivedMessage[]): Promise<void> => {
    const event: SQSEvent = {
      Records: batch.map((message) => toRecord(message, eventSourceARN, queues.region)),
    };
    let failed: Set<string>;
    try {
      failed = failedMessageIds(await invoke(event), batch);
    } catch (error) {
      onError(error, event);
      return;
    }
    for (const message of batch) {
      if (!failed.has(message.messageId)) queues.deleteMessage(queueName, message.receiptHandle);
    }
  };

  const loop = async (): Promise<void> => {
    while (!stopping.signal.aborted) {
      if (!enabled) {
        await new Promise((resolve) => setTimeout(resolve, idleIntervalMs));
        continue;
      }
      working = true;
      const batch = await collect();
      if (batch.length > 0) {
        await processBatch(batch);
        continue;
      }
      working = false;
      settleDrains();
      await queues.waitForMessages(queueName, idleIntervalMs, stopping.signal);
    }
  };

  const running = loop().finally(() => {
    for (const waiter of drainWaiters.splice(0)) {
      waiter.reject(new Error(`event source mapping for ${queueName} stopped before the queue drained`));
    }
  });
  running.catch((error: unknown) => onError(error, { Records: [] }));

  return {
    setEnabled: (value) => {
      enabled = value;
    },
    stop: async () => {
      stopping.abort();
      await running.catch(() => undefined);
    },
    drain: () => {
      if (stopping.signal.aborted) {
        return Promise.reject(new Error(`event source mapping for ${queueName} is stopped`));
      }
      // Already idle: no need to wait for the poller's next round.
      if (drained()) return Promise.resolve();
      return new Promise<void>((resolve, reject) => drainWaiters.push({ resolve, reject }));
    },
  };
}

/**
 * Lambda's rules: no response or an empty list means success; an identifier that is missing or not
 * in the batch makes the whole batch count as failed.
 */
function failedMessageIds(response: SqsHandlerResult, batch: ReceivedMessage[]): Set<string> {
  const everything = new Set(batch.map((message) => message.messageId));
  const failures = response?.batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) throw new TypeError('batchItemFailures must be an array');
  const failed = new Set<string>();
  for (const failure of failures) {
    const id: unknown = failure?.itemIdentifier;
    if (typeof id !== 'string' || !everything.has(id)) {
      throw new TypeError(`batchItemFailures names an item not in the batch: ${JSON.stringify(id)}`);
    }
    failed.add(id);
  }
  return failed;
}

function toRecord(message: ReceivedMessage, eventSourceARN: string, awsRegion: string): SQSRecord {
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.approximateReceiveCount),
      SentTimestamp: String(message.sentTimestamp),
      SenderId: message.senderId,
      ApproximateFirstReceiveTimestamp: String(message.approximateFirstReceiveTimestamp),
      ...(message.deadLetterQueueSourceArn === undefined
        ? {}
        : { DeadLetterQueueSourceArn: message.deadLetterQueueSourceArn }),
    },
    messageAttributes: toLambdaAttributes(message.messageAttributes),
    md5OfBody: message.md5OfBody,
    ...(message.md5OfMessageAttributes === undefined
      ? {}
      : { md5OfMessageAttributes: message.md5OfMessageAttributes }),
    eventSource: 'aws:sqs',
    eventSourceARN,
    awsRegion,
  };
}

function toLambdaAttributes(attributes: Record<string, MessageAttribute>): SQSMessageAttributes {
  const lambda: SQSMessageAttributes = {};
  for (const [name, attribute] of Object.entries(attributes)) {
    lambda[name] = {
      ...(attribute.stringValue === undefined ? {} : { stringValue: attribute.stringValue }),
      ...(attribute.binaryValue === undefined
        ? {}
        : { binaryValue: Buffer.from(attribute.binaryValue).toString('base64') }),
      stringListValues: [],
      binaryListValues: [],
      dataType: attribute.dataType,
    };
  }
  return lambda;
}
