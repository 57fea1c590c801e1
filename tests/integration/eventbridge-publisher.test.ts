import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBridgePublisher } from '#ingest/adapters/eventbridge-publisher.ts';
import { ingestAnswer } from '#ingest/http-answers.ts';
import { canonical } from '#tests/helpers/events.ts';

interface PutEventsCall {
  entries: Array<{ Detail: string }>;
}

/** An EventBridge endpoint that refuses the entries `refuse` picks, as PutEvents does under throttling. */
async function startFlakyEventBridge(refuse: (call: number, entryIndex: number, eventId: string) => boolean) {
  const calls: PutEventsCall[] = [];
  const server = createServer(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    const { Entries } = JSON.parse(body) as { Entries: Array<{ Detail: string }> };
    const call = calls.push({ entries: Entries });
    const results = Entries.map((entry, index) =>
      refuse(call, index, JSON.parse(entry.Detail).id)
        ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }
        : { EventId: `${call}-${index}` },
    );
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
    response.end(
      JSON.stringify({ FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new EventBridgeClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { calls, client };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const events = Array.from({ length: 25 }, (_, index) =>
  canonical({
    id: `evt-${index}`,
    type: 'product.viewed',
    occurredAt: '2026-05-01T10:00:00Z',
    identity: { customerId: 'c-1' },
    data: { product: { productId: `p-${index}` } },
  }),
);

describe('Class: EventBridgePublisher', () => {
  it('sends chunks of at most 10 entries and retries only the refused ones', async () => {
    // Prepare: the first call refuses its even entries
    const { calls, client } = await startFlakyEventBridge((call, index) => call === 1 && index % 2 === 0);
    const publisher = new EventBridgePublisher(client, { busName: 'bus', baseDelayMs: 1 });

    // Act
    const { unpublished } = await publisher.publish(events);

    // Assess
    expect(unpublished).toEqual([]);
    expect(calls.map((call) => call.entries.length)).toEqual([10, 5, 10, 5]);
    const retried = calls[1]?.entries.map((entry) => JSON.parse(entry.Detail).id);
    expect(retried).toEqual(['evt-0', 'evt-2', 'evt-4', 'evt-6', 'evt-8']);
  });

  it('returns what stays refused after every attempt, and ingest answers 503 so the client retries', async () => {
    // Prepare: one event is refused every time
    const { calls, client } = await startFlakyEventBridge((_call, _index, eventId) => eventId === 'evt-6');
    const publisher = new EventBridgePublisher(client, { busName: 'bus', baseDelayMs: 1, maxAttempts: 3 });

    // Act
    const { unpublished } = await publisher.publish(events.slice(0, 10));
    const answer = ingestAnswer({
      accepted: 10 - unpublished.length,
      rejected: [],
      ignored: [],
      unpublished: unpublished.length,
    });

    // Assess
    expect(unpublished.map((event) => event.id)).toEqual(['evt-6']);
    expect(calls).toHaveLength(3);
    expect(answer.statusCode).toBe(503);
    expect(answer.headers?.['retry-after']).toBe('1');
  });
});
