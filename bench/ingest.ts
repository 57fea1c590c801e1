import { setTimeout } from 'node:timers/promises';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { UnstampedEvent } from '#events/schemas.ts';
import { deadLetterQueuesOf } from '#local/dead-letter-queues.ts';
import { documentClientFor, seedDemoStore } from '#local/demo-store.ts';
import { type LocalRuntime, startRuntime } from '#local/runtime.ts';
import { profileItemKey } from '#profiles/adapters/dynamodb-profile-store.ts';
import { formatCount } from './format.ts';
import type { BenchSection } from './section.ts';
import { perSecond, ratio } from './statistics.ts';
import { syntheticEvents } from './synthetic-events.ts';

const EVENTS_PER_REQUEST = 100;
const WARM_UP_EVENTS_PER_REQUEST = 10;
const MAX_ATTEMPTS = 5;
// Four requests in flight, as a storefront's few servers would send.
const REQUESTS_IN_FLIGHT = 4;
const RAW_ITEMS = 200;
const RAW_VERSIONS_PER_ITEM = 10;
const RAW_WRITES_IN_FLIGHT = 20;

/**
 * Events per second from HTTP POST to stored profiles through the local runtime, next to the raw
 * UpdateItem rate of the same dynalite in the same run. The store is the local limit, so the ratio is
 * the figure we track: it says how much of the store's raw write rate the pipeline turns into profiles.
 */
export const ingestSection: BenchSection = {
  name: 'ingest',
  title: 'ingest',
  run: async ({ events: total }) => {
    const runtime = await startRuntime({
      onLogLine: (_, line) => {
        if (line.includes('"ERROR"')) console.error(line.slice(0, 1500));
      },
    });
    try {
      const demo = await seedDemoStore(runtime.urls.dynamodb, runtime.names.storesTable);
      const url = `${runtime.urls.http}/v1/events`;
      const customers = Math.max(1, Math.floor(total / 20));
      const events = syntheticEvents(total, customers);
      // Containers start (and transpile their handlers) on first use; the figure is the steady rate.
      await postAll(url, demo.apiKey, warmUpEvents(), WARM_UP_EVENTS_PER_REQUEST);
      await runtime.settle();
      const errorsBefore = functionErrors(runtime);
      const started = performance.now();
      const { retried } = await postAll(url, demo.apiKey, events);
      await runtime.settle();
      const ingestMilliseconds = performance.now() - started;
      const deadLettered = deadLetteredMessages(runtime);
      // A rate that counts events parked in a dead-letter queue would flatter the pipeline.
      if (deadLettered > 0)
        throw new Error(`${deadLettered} messages reached dead-letter queues during the run`);
      // Failed invocations (timeouts on a loaded machine, redelivered by SQS) slow the rate; the JSON says how many.
      const failedInvocations = functionErrors(runtime) - errorsBefore;

      const client = documentClientFor(runtime.urls.dynamodb);
      const sample = await storedProfile(client, runtime.names.profilesTable, demo.store.storeId);
      const raw = await rawVersionedUpdates(client, runtime.names.profilesTable, sample);
      const ingestEventsPerSecond = perSecond(total, ingestMilliseconds);
      const figures = {
        events: total,
        customers,
        ingestEventsPerSecond,
        failedInvocations,
        retriedRequests: retried,
        rawUpdateItem: raw,
        ratio: ratio(ingestEventsPerSecond, raw.itemsPerSecond),
      };
      return {
        figures,
        rows: [
          {
            figure: `HTTP API → stored profiles, ${formatCount(total)} events`,
            value: `${formatCount(ingestEventsPerSecond)} events/s`,
            alongside: `raw UpdateItem ${formatCount(raw.itemsPerSecond)} items/s`,
            ratio: figures.ratio.toFixed(3),
          },
        ],
      };
    } finally {
      await runtime.close();
    }
  },
};

function functionErrors(runtime: LocalRuntime): number {
  return [...runtime.functions.values()].reduce((sum, fn) => sum + fn.errors, 0);
}

function deadLetteredMessages(runtime: LocalRuntime): number {
  return deadLetterQueuesOf(runtime.topology, runtime.queues).reduce((sum, queue) => {
    const counts = runtime.queues.counts(queue.name);
    return sum + counts.visible + counts.inFlight + counts.delayed;
  }, 0);
}

/** One request per container to be, for customers and event ids of their own. */
function warmUpEvents(): UnstampedEvent[] {
  return syntheticEvents(REQUESTS_IN_FLIGHT * WARM_UP_EVENTS_PER_REQUEST, REQUESTS_IN_FLIGHT).map(
    (event) => ({
      ...event,
      id: `warm-up-${event.id}`,
      identity: { customerId: `warm-up-${event.identity.customerId}` },
    }),
  );
}

/** Posts the events as a storefront would: a few requests in flight, a 503 answered by sending the request again. */
async function postAll(
  url: string,
  apiKey: string,
  events: UnstampedEvent[],
  perRequest = EVENTS_PER_REQUEST,
): Promise<{ retried: number }> {
  const batches: UnstampedEvent[][] = [];
  for (let index = 0; index < events.length; index += perRequest) {
    batches.push(events.slice(index, index + perRequest));
  }
  let retried = 0;
  const post = async (batch: UnstampedEvent[]) => {
    for (let attempt = 1; ; attempt += 1) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ events: batch }),
      });
      if (response.status === 202) return;
      // The API's 503 means "send the whole request again"; consumers de-duplicate by event id.
      if (response.status !== 503 || attempt === MAX_ATTEMPTS) {
        throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
      }
      retried += 1;
      await setTimeout(attempt * 1000);
    }
  };
  await Promise.all(
    Array.from({ length: REQUESTS_IN_FLIGHT }, async () => {
      for (let batch = batches.shift(); batch !== undefined; batch = batches.shift()) await post(batch);
    }),
  );
  return { retried };
}

/** A profile the run stored: the raw writes carry one like it, so both sides write items of the same size. */
async function storedProfile(
  client: DynamoDBDocumentClient,
  table: string,
  storeId: string,
): Promise<Record<string, unknown>> {
  const { Item } = await client.send(
    new GetCommand({ TableName: table, Key: { pk: profileItemKey(storeId, 'customer:c-0') } }),
  );
  if (Item?.profile === undefined) throw new Error('the ingest run stored no profile for customer c-0');
  return Item.profile as Record<string, unknown>;
}

/**
 * UpdateItem shaped like the profile store's versioned conditional write
 * (functions/profiles/adapters/dynamodb-profile-store.ts): the first write requires that the item does
 * not exist, every later one that the version is the one it read; each writes the whole profile and bumps
 * the version. The store itself writes with a conditional PutItem; UpdateItem with the same condition and
 * payload is the operation the issue tracks, and the one a partial update would move to.
 */
async function rawVersionedUpdates(
  client: DynamoDBDocumentClient,
  table: string,
  profile: Record<string, unknown>,
): Promise<{ writes: number; profileJsonBytes: number; itemsPerSecond: number }> {
  const update = (index: number, expected: number) =>
    client.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: `BENCH#${index}` },
        UpdateExpression: 'SET #profile = :profile, #version = :next, #updatedAt = :updatedAt',
        ConditionExpression: expected === 0 ? 'attribute_not_exists(pk)' : '#version = :expected',
        ExpressionAttributeNames: { '#profile': 'profile', '#version': 'version', '#updatedAt': 'updatedAt' },
        ExpressionAttributeValues: {
          ':profile': profile,
          ':next': expected + 1,
          ':updatedAt': new Date().toISOString(),
          ...(expected !== 0 && { ':expected': expected }),
        },
      }),
    );
  const started = performance.now();
  // Version by version, so every write's condition holds; a failed condition fails the bench, as it should.
  for (let version = 0; version < RAW_VERSIONS_PER_ITEM; version += 1) {
    for (let first = 0; first < RAW_ITEMS; first += RAW_WRITES_IN_FLIGHT) {
      const indexes = Array.from(
        { length: Math.min(RAW_WRITES_IN_FLIGHT, RAW_ITEMS - first) },
        (_, i) => first + i,
      );
      await Promise.all(indexes.map((index) => update(index, version)));
    }
  }
  const writes = RAW_ITEMS * RAW_VERSIONS_PER_ITEM;
  return {
    writes,
    profileJsonBytes: Buffer.byteLength(JSON.stringify(profile)),
    itemsPerSecond: perSecond(writes, performance.now() - started),
  };
}
