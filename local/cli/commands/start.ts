import { join } from 'node:path';
import { deadLetterQueuesOf } from '../../dead-letter-queues.ts';
import { seedDemoStore } from '../../demo-store.ts';
import { type LocalRuntime, startRuntime } from '../../runtime.ts';
import { LOCAL_DATA_DIR, removeRuntimeFile, writeRuntimeFile } from '../../runtime-file.ts';

/** Well-known local ports, so SDK clients and docs can name them. */
export const DEFAULT_PORTS = { http: 3000, dynamodb: 8000, eventbridge: 4010, sqs: 9324 } as const;

export async function runStart(options: { persist: boolean; port?: number }): Promise<void> {
  const startedAt = Date.now();
  const runtime = await startRuntime({
    ports: { ...DEFAULT_PORTS, ...(options.port !== undefined && { http: options.port }) },
    ...(options.persist && { dataDir: join(LOCAL_DATA_DIR, 'data') }),
  });
  try {
    await announce(runtime, startedAt, options.persist);
  } catch (error) {
    await runtime.close();
    throw error;
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stdout.write('\nStopping…\n');
  removeRuntimeFile();
  await runtime.close();
  process.stdout.write('Stopped.\n');
}

async function announce(runtime: LocalRuntime, startedAt: number, persist: boolean): Promise<void> {
  const demo = await seedDemoStore(runtime.urls.dynamodb, runtime.names.storesTable);
  writeRuntimeFile({
    urls: runtime.urls,
    names: runtime.names,
    deadLetterQueues: deadLetterQueuesOf(runtime.topology, runtime.queues),
    demo: {
      storeId: demo.store.storeId,
      apiKey: demo.apiKey,
      segmentWriteKey: demo.segmentWriteKey,
      shopifyWebhookSecret: demo.shopifyWebhookSecret,
    },
  });

  const { http } = runtime.urls;
  process.stdout.write(`
storefront-journeys is running locally (started in ${((Date.now() - startedAt) / 1000).toFixed(1)} s${persist ? ', data kept in .local-data/data' : ', data in memory'})

  HTTP API      ${http}   POST /v1/events · /v1/track · /v1/identify · /v1/page · /v1/batch · /webhooks/shopify/demo
  DynamoDB      ${runtime.urls.dynamodb}   tables ${runtime.names.profilesTable}, ${runtime.names.storesTable}
  EventBridge   ${runtime.urls.eventbridge}   bus ${runtime.names.bus}
  SQS           ${runtime.urls.sqs}

Demo store "demo" (keys are new on every start):
  API key (Bearer)        ${demo.apiKey}
  Segment write key       ${demo.segmentWriteKey}
  Shopify webhook secret  ${demo.shopifyWebhookSecret}

Try it from another terminal:
  npm run journeys -- send signup --email sam@example.com --customer-id c-1
  npm run journeys -- send cart --email sam@example.com --customer-id c-1
  npm run journeys -- profile sam@example.com

Ctrl-C stops everything.
`);
}
