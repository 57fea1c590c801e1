import { randomUUID } from 'node:crypto';
import { SqsError } from './errors.ts';
import type { MessageAttribute } from './md5.ts';
import { decodeReceiptHandle, encodeReceiptHandle } from './messages.ts';
import type { QueueDefinition } from './queue-definition.ts';

export interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly messageAttributes: Readonly<Record<string, MessageAttribute>>;
  readonly md5OfMessageAttributes: string | undefined;
  readonly sentTimestamp: number;
  readonly senderId: string;
  /** Name of the queue that dead-lettered this message, which a move task sends it back to. */
  readonly deadLetterSourceQueue: string | undefined;
  receiveCount: number;
  firstReceiveTimestamp: number | undefined;
  visibleAt: number;
  receiptNonce: string | undefined;
}

export interface QueueCounts {
  visible: number;
  inFlight: number;
  delayed: number;
}

/** One standard queue's messages. Time is always passed in so the queue never reads a clock itself. */
export class Queue {
  readonly #messages = new Map<string, StoredMessage>();

  constructor(
    readonly definition: QueueDefinition,
    readonly createdTimestamp: number,
  ) {}

  get name(): string {
    return this.definition.name;
  }

  add(message: StoredMessage): void {
    this.#messages.set(message.messageId, message);
  }

  /**
   * Marks up to `max` visible messages in flight. Messages already received maxReceiveCount times are
   * removed instead and returned as `exhausted` for the caller to dead-letter, which is when SQS does it.
   */
  receive(
    now: number,
    max: number,
    visibilityTimeoutSeconds: number,
  ): { received: StoredMessage[]; exhausted: StoredMessage[] } {
    const received: StoredMessage[] = [];
    const exhausted: StoredMessage[] = [];
    const maxReceiveCount = this.definition.redrive?.maxReceiveCount;
    for (const message of this.#messages.values()) {
      if (received.length >= max) break;
      if (message.visibleAt > now) continue;
      if (maxReceiveCount !== undefined && message.receiveCount >= maxReceiveCount) {
        this.#messages.delete(message.messageId);
        exhausted.push(message);
        continue;
      }
      message.receiveCount += 1;
      message.firstReceiveTimestamp ??= now;
      message.visibleAt = now + visibilityTimeoutSeconds * 1000;
      message.receiptNonce = randomUUID();
      received.push(message);
    }
    return { received, exhausted };
  }

  receiptHandle(message: StoredMessage): string {
    if (message.receiptNonce === undefined)
      throw new Error(`message ${message.messageId} was never received`);
    return encodeReceiptHandle({
      queueName: this.name,
      messageId: message.messageId,
      nonce: message.receiptNonce,
    });
  }

  /** A stale handle for a message received again since is accepted and ignored, as SQS documents. */
  delete(receiptHandle: string): void {
    const message = this.#current(receiptHandle);
    if (message) this.#messages.delete(message.messageId);
  }

  changeVisibility(now: number, receiptHandle: string, visibilityTimeoutSeconds: number): void {
    const message = this.#current(receiptHandle);
    if (!message || message.visibleAt <= now) {
      throw new SqsError(
        'MessageNotInflight',
        `Value ${receiptHandle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
      );
    }
    message.visibleAt = now + visibilityTimeoutSeconds * 1000;
  }

  /** Removes and returns the messages not in flight or delayed, for a move task. */
  takeVisible(now: number): StoredMessage[] {
    const taken = [...this.#messages.values()].filter((message) => message.visibleAt <= now);
    for (const message of taken) this.#messages.delete(message.messageId);
    return taken;
  }

  purge(): void {
    this.#messages.clear();
  }

  counts(now: number): QueueCounts {
    const counts: QueueCounts = { visible: 0, inFlight: 0, delayed: 0 };
    for (const message of this.#messages.values()) {
      if (message.visibleAt <= now) counts.visible += 1;
      else if (message.receiptNonce === undefined) counts.delayed += 1;
      else counts.inFlight += 1;
    }
    return counts;
  }

  #current(receiptHandle: string): StoredMessage | undefined {
    const { queueName, messageId, nonce } = decodeReceiptHandle(receiptHandle);
    if (queueName !== this.name) {
      throw new SqsError(
        'ReceiptHandleIsInvalid',
        `The receipt handle "${receiptHandle}" belongs to another queue.`,
      );
    }
    const message = this.#messages.get(messageId);
    return message?.receiptNonce === nonce ? message : undefined;
  }
}
