/**
 * `npm run bench`: measures, side by side in one run, and prints a table (JSON in bench/results/).
 * Speed lives here, never in the test suite.
 *
 * 1. profile rules — canonical events applied per second by the pure profile rules (CPU only);
 * 2. ingest → profiles — events per second from HTTP POST to stored profiles through the local
 *    runtime, next to the raw PutItem rate of the same dynalite: the ratio is the figure we track.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { documentClientFor, seedDemoStore } from '#local/demo-store.ts';
import { startRuntime } from '#local/runtime.ts';
import { applyEvent } from '#profiles/domain/apply-event.ts';
import { emptyProfile, type Profile } from '#profiles/domain/profile.ts';
import { syntheticEvents } from './synthetic-events.ts';

const { values } = parseArgs({ options: { events: { type: 'string', default: '5000' } } });
const total = Number(values.events);

function profileRules(): { eventsPerSecond: number } {
  const events = syntheticEvents(20_000, 200);
  const profiles = new Map<string, Profile>();
  const started = performance.now();
  for (const event of events) {
    const key = `customer:${event.identity.customerId}` as const;
    const profile = profiles.get(key) ?? emptyProfile('bench', key);
    profiles.set(key, applyEvent(profile, { ...event, storeId: 'bench', origin: 'api' }).profile);
  }
  return { eventsPerSecond: Math.round(events.length / ((performance.now() - started) / 1000)) };
}

async function ingestToProfiles() {
  const runtime = await startRuntime({
    onLogLine: (_, line) => {
      if (line.includes('"ERROR"')) console.error(line.slice(0, 1500));
    },
  });
  try {
    const demo = await seedDemoStore(runtime.urls.dynamodb, runtime.names.storesTable);
    const events = syntheticEvents(total, Math.max(1, Math.floor(total / 20)));
    const started = performance.now();
    const batches: (typeof events)[] = [];
    for (let index = 0; index < events.length; index += 100) batches.push(events.slice(index, index + 100));
    // Four requests in flight, as a storefront's few servers would send.
    const inFlight = 4;
    const post = async (batch: (typeof batches)[number]) => {
      const response = await fetch(`${runtime.urls.http}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.apiKey}` },
        body: JSON.stringify({ events: batch }),
      });
      if (response.status !== 202)
        throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
    };
    const queue = [...batches];
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        for (let batch = queue.shift(); batch !== undefined; batch = queue.shift()) await post(batch);
      }),
    );
    await runtime.settle();
    const ingestSeconds = (performance.now() - started) / 1000;

    const raw = documentClientFor(runtime.urls.dynamodb);
    const rawStarted = performance.now();
    const writes = Math.min(total, 2000);
    const pending: Promise<unknown>[] = [];
    for (let index = 0; index < writes; index += 1) {
      pending.push(
        raw.send(
          new PutItemCommand({
            TableName: runtime.names.profilesTable,
            Item: { pk: { S: `BENCH#${index}` }, version: { N: '1' }, payload: { S: 'x'.repeat(1500) } },
          }),
        ),
      );
      if (pending.length === 20) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
    const rawPerSecond = writes / ((performance.now() - rawStarted) / 1000);
    const ingestPerSecond = total / ingestSeconds;
    return {
      events: total,
      ingestEventsPerSecond: Math.round(ingestPerSecond),
      rawPutItemPerSecond: Math.round(rawPerSecond),
      ratio: Number((ingestPerSecond / rawPerSecond).toFixed(3)),
    };
  } finally {
    await runtime.close();
  }
}

console.log(`Measuring on ${cpus().length} cores; ingest run with ${total} events…`);
const results = {
  measuredAt: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  },
  profileRules: profileRules(),
  ingestToProfiles: await ingestToProfiles(),
};

console.table({
  'profile rules (events/s)': { value: results.profileRules.eventsPerSecond },
  'ingest → stored profiles (events/s)': { value: results.ingestToProfiles.ingestEventsPerSecond },
  'raw dynalite PutItem (items/s)': { value: results.ingestToProfiles.rawPutItemPerSecond },
  'ingest / raw PutItem ratio': { value: results.ingestToProfiles.ratio },
});
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const file = new URL(`./results/bench-${results.measuredAt.replace(/[:.]/g, '-')}.json`, import.meta.url);
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(`written to ${file.pathname}`);
