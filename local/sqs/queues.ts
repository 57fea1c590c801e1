import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from './clock.ts';
import { SqsError } from './errors.ts';
import { type MessageAttribute, md5Hex, md5OfMessageAttributes } from './md5.ts';
import { validateBody, validateMessageAttributes } from './messages.ts';
import { Queue, type QueueCounts, type StoredMessage } from './queue.ts';
import {
  type QueueDefinition,
  sameDefinition,
  validateDefinition,
  validateVisibilityTimeout,
} from './queue-definition.ts';

const SQS_BILLING_CHUNK_BYTES = 64 * 1024;

export type { QueueCounts } from './queue.ts';
export type { QueueDefinition, RedriveDefinition } from './queue-definition.ts';

export interface LocalQueuesOptions {
  /** Defaults to 000000000000, the account id local AWS tooling conventionally uses. */
  accountId?: string;
  region?: string;
  /** Origin used in queue URLs; the server replaces it with its own once it is listening. */
  endpoint?: string;
  clock?: Clock;
  /** Reported as the SenderId of every message. Defaults to the account id. */
  senderId?: string;
}

export interface SendMessageInput {
  body: string;
  messageAttributes?: Record<string, MessageAttribute>;
  delaySeconds?: number;
}

export interface SentMessage {
  messageId: string;
  md5OfMessageBody: string;
  md5OfMessageAttributes: string | undefined;
}

export interface ReceiveMessagesInput {
  /** 1 to 10; defaults to 1 like SQS. */
  maxNumberOfMessages?: number;
  /** Overrides the queue's visibility timeout for this receive. */
  visibilityTimeoutSeconds?: number;
}

export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  md5OfBody: string;
  messageAttributes: Record<string, MessageAttribute>;
  md5OfMessageAttributes: string | undefined;
  approximateReceiveCount: number;
  sentTimestamp: number;
  approximateFirstReceiveTimestamp: number;
  senderId: string;
  /** Set on messages in a dead-letter queue: the ARN of the queue they were dead-lettered from. */
  deadLetterQueueSourceArn: string | undefined;
}

export interface MessageMoveTaskInput {
  sourceArn: string;
  /** When absent every message goes back to the queue that dead-lettered it. */
  destinationArn?: string;
  maxNumberOfMessagesPerSecond?: number;
}

export interface MessageMoveTask {
  taskHandle: string;
  status: 'COMPLETED';
  sourceArn: string;
  destinationArn: string | undefined;
  maxNumberOfMessagesPerSecond: number | undefined;
  approximateNumberOfMessagesMoved: number;
  approximateNumberOfMessagesToMove: number;
  startedTimestamp: number;
}

const MAX_DELAY_SECONDS = 900;

/**
 * In-memory standard SQS queues: visibility timeouts, receive counts, dead-lettering after
 * maxReceiveCount and DLQ redrive. All methods are synchronous; waiting is left to callers.
 */
export class LocalQueues {
  readonly accountId: string;
  readonly region: string;
  readonly clock: Clock;
  readonly #senderId: string;
  #endpoint: string;
  readonly #queues = new Map<string, Queue>();
  readonly #moveTasks: MessageMoveTask[] = [];
  readonly #listeners = new Map<string, Set<() => void>>();

  constructor(options: LocalQueuesOptions = {}) {
    this.accountId = options.accountId ?? '000000000000';
    this.region = options.region ?? 'us-east-1';
    this.clock = options.clock ?? systemClock;
    this.#senderId = options.senderId ?? this.accountId;
    this.#endpoint = stripTrailingSlash(options.endpoint ?? 'http://127.0.0.1:9324');
  }

  get endpoint(): string {
    return this.#endpoint;
  }

  setEndpoint(endpoint: string): void {
    this.#endpoint = stripTrailingSlash(endpoint);
  }

  /**
   * Idempotent for an identical definition; a different one for an existing name is rejected as by
   * SQS. A dead-letter queue must be created before the queues that redrive into it.
   */
  createQueue(definition: QueueDefinition): { url: string; arn: string } {
    validateDefinition(definition);
    const existing = this.#queues.get(definition.name);
    if (existing) {
      if (!sameDefinition(existing.definition, definition)) {
        throw new SqsError(
          'QueueNameExists',
          `A queue already exists with the same name and a different value for attribute(s): ${definition.name}`,
        );
      }
    } else {
      const deadLetterQueueName = definition.redrive?.deadLetterQueueName;
      if (deadLetterQueueName !== undefined && !this.#queues.has(deadLetterQueueName)) {
        throw new SqsError(
          'InvalidParameterValue',
          `Value for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist: ${this.queueArn(deadLetterQueueName)}`,
        );
      }
      this.#queues.set(definition.name, new Queue(structuredClone(definition), this.clock.now()));
    }
    return { url: this.queueUrl(definition.name), arn: this.queueArn(definition.name) };
  }

  hasQueue(name: string): boolean {
    return this.#queues.has(name);
  }

  queueNames(prefix = ''): string[] {
    return [...this.#queues.keys()].filter((name) => name.startsWith(prefix)).sort();
  }

  definition(name: string): QueueDefinition {
    return structuredClone(this.#queue(name).definition);
  }

  createdTimestamp(name: string): number {
    return this.#queue(name).createdTimestamp;
  }

  queueUrl(name: string): string {
    return `${this.#endpoint}/${this.accountId}/${name}`;
  }

  queueArn(name: string): string {
    return `arn:aws:sqs:${this.region}:${this.accountId}:${name}`;
  }

  /** Accepts any host, since clients may say localhost where the server said 127.0.0.1. */
  queueNameFromUrl(queueUrl: string): string {
    const name = queueUrl.split('?')[0]?.split('/').filter(Boolean).at(-1);
    if (name === undefined || !this.#queues.has(name)) {
      throw new SqsError('QueueDoesNotExist', `The specified queue does not exist: ${queueUrl}`);
    }
    return name;
  }

  queueNameFromArn(arn: string): string {
    const prefix = `arn:aws:sqs:${this.region}:${this.accountId}:`;
    const name = arn.startsWith(prefix) ? arn.slice(prefix.length) : undefined;
    if (name === undefined || !this.#queues.has(name)) {
      throw new SqsError(
        'ResourceNotFoundException',
        `The resource that you specified doesn't exist: ${arn}`,
      );
    }
    return name;
  }

  /**
   * Requests as SQS bills them: each send, each receive that returned messages, each delete and
   * visibility change, a send counted once per started 64 KB of body.
   */
  billedRequests = 0;

  send(queueName: string, input: SendMessageInput): SentMessage {
    const queue = this.#queue(queueName);
    const body = validateBody(input.body);
    this.billedRequests += Math.max(1, Math.ceil(Buffer.byteLength(body) / SQS_BILLING_CHUNK_BYTES));
    const messageAttributes = validateMessageAttributes(structuredClone(input.messageAttributes ?? {}), body);
    const delaySeconds = input.delaySeconds ?? 0;
    if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > MAX_DELAY_SECONDS) {
      throw new SqsError(
        'InvalidParameterValue',
        `Value ${delaySeconds} for parameter DelaySeconds is invalid.`,
      );
    }
    const now = this.clock.now();
    const message: StoredMessage = {
      messageId: randomUUID(),
      body,
      md5OfBody: md5Hex(body),
      messageAttributes,
      md5OfMessageAttributes: md5OfMessageAttributes(messageAttributes),
      sentTimestamp: now,
      senderId: this.#senderId,
      deadLetterSourceQueue: undefined,
      receiveCount: 0,
      firstReceiveTimestamp: undefined,
      visibleAt: now + delaySeconds * 1000,
      receiptNonce: undefined,
    };
    queue.add(message);
    if (delaySeconds === 0) this.#notify(queueName);
    return {
      messageId: message.messageId,
      md5OfMessageBody: message.md5OfBody,
      md5OfMessageAttributes: message.md5OfMessageAttributes,
    };
  }

  receive(queueName: string, input: ReceiveMessagesInput = {}): ReceivedMessage[] {
    const queue = this.#queue(queueName);
    const max = input.maxNumberOfMessages ?? 1;
    if (!Number.isInteger(max) || max < 1 || max > 10) {
      throw new SqsError(
        'InvalidParameterValue',
        `Value ${max} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`,
      );
    }
    const visibilityTimeoutSeconds =
      input.visibilityTimeoutSeconds ?? queue.definition.visibilityTimeoutSeconds;
    validateVisibilityTimeout(visibilityTimeoutSeconds);
    const now = this.clock.now();
    const { received, exhausted } = queue.receive(now, max, visibilityTimeoutSeconds);
    if (received.length > 0) this.billedRequests += 1;
    const deadLetterQueueName = queue.definition.redrive?.deadLetterQueueName;
    if (exhausted.length > 0 && deadLetterQueueName !== undefined) {
      this.#deliver(deadLetterQueueName, exhausted, queueName);
    }
    return received.map((message) => ({
      messageId: message.messageId,
      receiptHandle: queue.receiptHandle(message),
      body: message.body,
      md5OfBody: message.md5OfBody,
      messageAttributes: structuredClone(message.messageAttributes),
      md5OfMessageAttributes: message.md5OfMessageAttributes,
      approximateReceiveCount: message.receiveCount,
      sentTimestamp: message.sentTimestamp,
      approximateFirstReceiveTimestamp: message.firstReceiveTimestamp ?? now,
      senderId: message.senderId,
      deadLetterQueueSourceArn:
        message.deadLetterSourceQueue === undefined
          ? undefined
          : this.queueArn(message.deadLetterSourceQueue),
    }));
  }

  deleteMessage(queueName: string, receiptHandle: string): void {
    this.billedRequests += 1;
    this.#queue(queueName).delete(receiptHandle);
  }

  changeMessageVisibility(queueName: string, receiptHandle: string, visibilityTimeoutSeconds: number): void {
    validateVisibilityTimeout(visibilityTimeoutSeconds);
    this.billedRequests += 1;
    this.#queue(queueName).changeVisibility(this.clock.now(), receiptHandle, visibilityTimeoutSeconds);
    if (visibilityTimeoutSeconds === 0) this.#notify(queueName);
  }

  purge(queueName: string): void {
    this.#queue(queueName).purge();
  }

  counts(queueName: string): QueueCounts {
    return this.#queue(queueName).counts(this.clock.now());
  }

  /**
   * Completes at once rather than at MaxNumberOfMessagesPerSecond. Only visible messages move;
   * ones in flight in the dead-letter queue stay where a consumer is working on them.
   */
  startMessageMoveTask(input: MessageMoveTaskInput): MessageMoveTask {
    const sourceName = this.queueNameFromArn(input.sourceArn);
    const redriveSources = this.#redriveSourcesOf(sourceName);
    if (redriveSources.length === 0) {
      throw new SqsError(
        'UnsupportedOperation',
        `Source queue must be configured as a Dead Letter Queue: ${input.sourceArn}`,
      );
    }
    const destinationName =
      input.destinationArn === undefined ? undefined : this.queueNameFromArn(input.destinationArn);
    if (destinationName === sourceName) {
      throw new SqsError('InvalidParameterValue', 'The source and destination queues must be different.');
    }
    const messages = this.#queue(sourceName).takeVisible(this.clock.now());
    for (const message of messages) {
      const origin = message.deadLetterSourceQueue;
      const target =
        destinationName ?? (origin !== undefined && this.#queues.has(origin) ? origin : redriveSources[0]!);
      this.#deliver(target, [message], undefined);
    }
    const startedTimestamp = this.clock.now();
    const task: MessageMoveTask = {
      taskHandle: Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn: input.sourceArn })).toString(
        'base64',
      ),
      status: 'COMPLETED',
      sourceArn: input.sourceArn,
      destinationArn: input.destinationArn,
      maxNumberOfMessagesPerSecond: input.maxNumberOfMessagesPerSecond,
      approximateNumberOfMessagesMoved: messages.length,
      approximateNumberOfMessagesToMove: messages.length,
      startedTimestamp,
    };
    this.#moveTasks.unshift(task);
    return { ...task };
  }

  /** Most recent first, as SQS lists them. */
  listMessageMoveTasks(sourceArn: string, maxResults = 1): MessageMoveTask[] {
    this.queueNameFromArn(sourceArn);
    return this.#moveTasks
      .filter((task) => task.sourceArn === sourceArn)
      .slice(0, maxResults)
      .map((task) => ({ ...task }));
  }

  /**
   * Resolves when a message may have become receivable on the queue (sent, redriven, made visible
   * early), after `timeoutMs`, or on abort. Visibility timeouts lapsing are only caught by the timeout.
   */
  waitForMessages(queueName: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const listeners = this.#listenersOf(queueName);
      const done = (): void => {
        clearTimeout(timer);
        listeners.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      listeners.add(done);
      signal?.addEventListener('abort', done, { once: true });
      if (signal?.aborted) done();
    });
  }

  #deliver(queueName: string, messages: StoredMessage[], deadLetterSourceQueue: string | undefined): void {
    const queue = this.#queue(queueName);
    const now = this.clock.now();
    for (const message of messages) {
      // A fresh receive count, or a redriven message would be dead-lettered again on its first receive.
      queue.add({
        ...message,
        deadLetterSourceQueue,
        receiveCount: 0,
        firstReceiveTimestamp: undefined,
        visibleAt: now,
        receiptNonce: undefined,
      });
    }
    this.#notify(queueName);
  }

  #redriveSourcesOf(deadLetterQueueName: string): string[] {
    return [...this.#queues.values()]
      .filter((queue) => queue.definition.redrive?.deadLetterQueueName === deadLetterQueueName)
      .map((queue) => queue.name);
  }

  #queue(name: string): Queue {
    const queue = this.#queues.get(name);
    if (!queue) throw new SqsError('QueueDoesNotExist', `The specified queue does not exist: ${name}`);
    return queue;
  }

  #listenersOf(queueName: string): Set<() => void> {
    let listeners = this.#listeners.get(queueName);
    if (!listeners) {
      listeners = new Set();
      this.#listeners.set(queueName, listeners);
    }
    return listeners;
  }

  #notify(queueName: string): void {
    for (const listener of [...(this.#listeners.get(queueName) ?? [])]) listener();
  }
}

function stripTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
