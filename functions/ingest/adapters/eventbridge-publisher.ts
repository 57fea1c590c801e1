import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { type CanonicalEvent, EVENT_SOURCE } from '#events/schemas.ts';
import type { EventPublisher } from '../domain/ports.ts';

export interface EventBridgePublisherOptions {
  busName: string;
  /** Attempts per entry, the first included. @default 4 */
  maxAttempts?: number;
  /** Delay before the first retry of refused entries; doubles each time. @default 50 */
  baseDelayMs?: number;
}

const ENTRIES_PER_CALL = 10;
/** PutEvents caps the whole request at 256 KB. */
const MAX_REQUEST_BYTES = 256 * 1024;

/**
 * PutEvents in chunks of at most 10 entries and 256 KB. PutEvents can accept some entries and refuse
 * others (throttling, internal errors); refused entries are retried with backoff, and whatever is
 * still refused is returned so the caller can make the client retry.
 */
export class EventBridgePublisher implements EventPublisher {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;

  constructor(
    private readonly client: EventBridgeClient,
    private readonly options: EventBridgePublisherOptions,
  ) {
    this.maxAttempts = options.maxAttempts ?? 4;
    this.baseDelayMs = options.baseDelayMs ?? 50;
  }

  async publish(events: CanonicalEvent[]): Promise<{ unpublished: CanonicalEvent[] }> {
    const unpublished: CanonicalEvent[] = [];
    for (const chunk of chunksOf(events)) unpublished.push(...(await this.publishChunk(chunk)));
    return { unpublished };
  }

  private async publishChunk(chunk: CanonicalEvent[]): Promise<CanonicalEvent[]> {
    let pending = chunk;
    for (let attempt = 1; attempt <= this.maxAttempts && pending.length > 0; attempt += 1) {
      if (attempt > 1) await sleep(this.baseDelayMs * 2 ** (attempt - 2));
      try {
        const { Entries = [] } = await this.client.send(
          new PutEventsCommand({ Entries: pending.map((event) => this.toEntry(event)) }),
        );
        // Result entries line up with request entries; a refused one carries an ErrorCode.
        pending = pending.filter((_, index) => Entries[index]?.EventId === undefined);
      } catch (error) {
        if (attempt === this.maxAttempts) return pending;
        if (!isRetryable(error)) throw error;
      }
    }
    return pending;
  }

  private toEntry(event: CanonicalEvent): PutEventsRequestEntry {
    return {
      EventBusName: this.options.busName,
      Source: EVENT_SOURCE,
      DetailType: event.type,
      Time: new Date(event.occurredAt),
      Detail: JSON.stringify(event),
    };
  }
}

function* chunksOf(events: CanonicalEvent[]): Generator<CanonicalEvent[]> {
  let chunk: CanonicalEvent[] = [];
  let bytes = 0;
  for (const event of events) {
    const size = Buffer.byteLength(JSON.stringify(event)) + 512;
    if (chunk.length === ENTRIES_PER_CALL || (chunk.length > 0 && bytes + size > MAX_REQUEST_BYTES)) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(event);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}

function isRetryable(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === undefined || status >= 500 || status === 429;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
